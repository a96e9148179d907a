// Content hashes of files: XXH3-128 over the whole file up to a size limit,
// and over evenly spread chunks plus the size above it, so a multi-gigabyte
// output costs a bounded number of reads. The parameters are a HashScheme
// stored in the database with every hash, so records made with other
// parameters are never compared with these. Memory is bounded by one read
// buffer. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "fantrace/result.h"

namespace fantrace::store {

struct HashScheme {
  std::string algorithm = "xxh3-128";
  uint64_t whole_max = 4ull << 20;   // files up to 4 MiB are hashed whole
  uint64_t chunk_count = 64;         // larger ones: 64 chunks
  uint64_t chunk_size = 64ull << 10; // of 64 KiB
  auto operator<=>(const HashScheme&) const = default;
};

// The hash of `size` bytes of the open file `fd` under `scheme`: 32 hex
// digits. Fails if the file is shorter than `size` when read.
Result<std::string> HashFd(int fd, uint64_t size, const HashScheme& scheme);

// The hash of `bytes` as a whole file of that content (valid for contents
// up to scheme.whole_max, which is how captured scripts are hashed).
std::string HashBytes(std::string_view bytes);

// Opens and hashes `path` (following symlinks).
Result<std::string> HashPath(const std::string& path, const HashScheme& scheme);

// True if `text` looks like a hash HashFd returns (32 hex digits).
bool IsHash(std::string_view text);

}  // namespace fantrace::store
