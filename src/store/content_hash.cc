#include "store/content_hash.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include <fmt/format.h>
#include <xxhash.h>

namespace fantrace::store {
namespace {

constexpr size_t kReadBuffer = 64 << 10;

struct StateDeleter {
  void operator()(XXH3_state_t* s) const { XXH3_freeState(s); }
};
using State = std::unique_ptr<XXH3_state_t, StateDeleter>;

std::string Hex(XXH128_hash_t hash) {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, hash);
  std::string out;
  for (unsigned char byte : canonical.digest) out += fmt::format("{:02x}", byte);
  return out;
}

// Feeds `length` bytes of `fd` from `offset` into `state`.
Status Feed(XXH3_state_t* state, int fd, uint64_t offset, uint64_t length, std::vector<char>& buffer) {
  while (length > 0) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(length, buffer.size()));
    ssize_t got = pread(fd, buffer.data(), want, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return MakeError(fmt::format("read failed: {}", strerror(errno)));
    if (got == 0) return MakeError("the file became shorter while it was hashed");
    XXH3_128bits_update(state, buffer.data(), static_cast<size_t>(got));
    offset += static_cast<uint64_t>(got);
    length -= static_cast<uint64_t>(got);
  }
  return Ok{};
}

}  // namespace

Result<std::string> HashFd(int fd, uint64_t size, const HashScheme& scheme) {
  State state(XXH3_createState());
  if (!state || XXH3_128bits_reset(state.get()) != XXH_OK) return MakeError("cannot create an XXH3 state");
  std::vector<char> buffer(kReadBuffer);
  if (size <= scheme.whole_max || scheme.chunk_count < 2 || scheme.chunk_size * scheme.chunk_count >= size) {
    if (Status st = Feed(state.get(), fd, 0, size, buffer); !st) return st.error();
    return Hex(XXH3_128bits_digest(state.get()));
  }
  // First chunk at 0, last one ending at the end, the rest evenly between.
  const uint64_t span = size - scheme.chunk_size;
  for (uint64_t i = 0; i < scheme.chunk_count; ++i) {
    uint64_t offset = span / (scheme.chunk_count - 1) * i + (i + 1 == scheme.chunk_count ? span % (scheme.chunk_count - 1) : 0);
    if (Status st = Feed(state.get(), fd, offset, scheme.chunk_size, buffer); !st) return st.error();
  }
  unsigned char size_le[8];
  for (int i = 0; i < 8; ++i) size_le[i] = static_cast<unsigned char>(size >> (8 * i));
  XXH3_128bits_update(state.get(), size_le, sizeof(size_le));
  return Hex(XXH3_128bits_digest(state.get()));
}

std::string HashBytes(std::string_view bytes) { return Hex(XXH3_128bits(bytes.data(), bytes.size())); }

Result<std::string> HashPath(const std::string& path, const HashScheme& scheme) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return MakeError(fmt::format("cannot open {}: {}", path, strerror(errno)));
  struct stat st;
  Result<std::string> hash = MakeError(fmt::format("{} is not a regular file", path));
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) hash = HashFd(fd, static_cast<uint64_t>(st.st_size), scheme);
  close(fd);
  if (!hash) return MakeError(fmt::format("cannot hash {}: {}", path, hash.error().message));
  return hash;
}

bool IsHash(std::string_view text) {
  return text.size() == 32 &&
         text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace fantrace::store
