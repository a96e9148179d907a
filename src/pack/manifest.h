// The manifest of a bundle (docs/pack.md): the command (argv, environment,
// working directory, user), the machine it ran on, every file the bundle
// holds or names with its role, metadata, XXH3 hash and Debian package,
// and the outputs' hashes that a replay is checked against. Stored as
// manifest.json, the first member of the bundle. Plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fantrace/result.h"
#include "pack/dpkg_db.h"
#include "pack/file_set.h"

namespace fantrace::pack {

inline constexpr int kManifestVersion = 1;
inline constexpr const char* kHashAlgorithm = "xxh3-128";

struct FileEntry {
  std::string path;
  std::string type;  // "file", "directory" or "symlink"
  Role role = Role::kPath;
  uint64_t size = 0;
  uint32_t mode = 0;  // permission bits (with setuid/setgid/sticky)
  uint32_t uid = 0, gid = 0;
  std::string owner, group;
  int64_t mtime_ns = 0;
  std::string hash;    // files only: XXH3-128 of the whole content, 32 hex digits
  std::string target;  // symlinks: the link text
  std::optional<PackageRef> package;
  bool included = true;  // false: listed only (--no-package-files)
  std::string changed;   // why the file is not what the trace saw; "" if it is
};

struct OutputEntry {
  std::string path;
  uint64_t size = 0;
  uint32_t mode = 0;
  std::string hash;
};

struct Manifest {
  int version = kManifestVersion;
  std::string fantrace_version;
  int64_t created_ns = 0;
  std::string source;  // "trace" (packed while tracing) or "jsonl" (--from)
  // The command
  std::vector<std::string> argv;
  std::string cwd;
  uint32_t uid = 0, gid = 0;
  std::string user;
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<std::string> env_excluded;  // names only
  int exit_status = 0;
  // The machine
  std::string hostname, kernel_release, machine, distribution;
  // The trace
  uint64_t lost = 0;
  std::vector<FileEntry> files;
  std::vector<OutputEntry> outputs;
  std::vector<std::string> absent;  // paths the command looked for and did not find
};

std::string ManifestToJson(const Manifest& m);
Result<Manifest> ManifestFromJson(std::string_view text);

}  // namespace fantrace::pack
