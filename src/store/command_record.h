// One recorded command as the database stores it: who ran what, where and
// when, how it ended, and every file it read, wrote, deleted and executed
// with what was known about each. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fantrace::store {

enum class FileRole { kRead, kWritten, kDeleted, kExecuted };
const char* FileRoleName(FileRole role);  // "read", "written", ...

// What became of hashing a file after the trace:
//   verified   hashed, and inode, size and mtime equal the kernel's at close;
//   unverified hashed, but the kernel reported no size or mtime to compare
//              (an executed file, a file opened before the trace);
//   changed    changed (or replaced) before it could be hashed: no hash;
//   missing    gone when fantrace looked (deleted files);
//   unreadable could not be opened or read;
//   none       not hashed (not a regular file).
enum class HashState { kVerified, kUnverified, kChanged, kMissing, kUnreadable, kNone };
const char* HashStateName(HashState state);
// "changed" -> kChanged; kNone for names it does not know.
HashState HashStateFromName(const std::string& name);

struct FileRecord {
  FileRole role = FileRole::kRead;
  std::string path;
  std::optional<uint64_t> size;
  std::optional<int64_t> mtime_ns;
  std::optional<uint64_t> dev;
  std::optional<uint64_t> ino;
  std::optional<std::string> hash;
  HashState hash_state = HashState::kNone;
  // Captured content (a script or configuration file): stored once per hash.
  std::optional<std::string> content;
  // When read back from the database: the hash of the captured content.
  std::optional<std::string> captured;
};

struct CommandRecord {
  int64_t id = 0;                // assigned by the database
  std::vector<std::string> argv;
  std::string cwd;
  std::string user;
  uint32_t uid = 0;
  std::string hostname;
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  int exit_status = 0;
  uint64_t events = 0;
  uint64_t lost = 0;
  std::string fantrace_version;
  // A random 128-bit id in hex, the same in every store the command is in
  // (fantrace sync); assigned when stored if empty.
  std::string uuid;
  std::vector<FileRecord> files;
};

}  // namespace fantrace::store
