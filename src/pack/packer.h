// Turns a trace into a bundle's manifest: resolves the file set
// (file_set.h), takes each file's metadata, XXH3-128 hash and Debian
// package, flags inputs that are not what the trace saw (another inode,
// size or mtime than at the command's close), hashes the outputs, and
// records the command, its environment (less the excluded names) and the
// machine. Reads the live file system; not thread-safe.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "fantrace/result.h"
#include "pack/manifest.h"
#include "pack/trace_file.h"

namespace fantrace::pack {

// Environment names never packed unless --env-exclude none: secrets.
extern const std::vector<std::string> kDefaultEnvExclude;

struct PackRequest {
  std::vector<std::string> argv;  // empty: the trace's first exec argv
  std::string cwd;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string user;
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<std::string> env_exclude = kDefaultEnvExclude;  // fnmatch patterns, case-insensitive
  bool no_package_files = false;
  std::string source = "trace";
};

// `warnings` gets one line per changed file and per other doubt.
Result<Manifest> BuildManifest(const TraceFile& trace, const PackRequest& request, std::vector<std::string>& warnings);

// The environment of this process as name/value pairs.
std::vector<std::pair<std::string, std::string>> CurrentEnvironment();

// True if `name` matches one of `patterns` (fnmatch, case-insensitive).
bool EnvExcluded(const std::string& name, const std::vector<std::string>& patterns);

}  // namespace fantrace::pack
