#include "pack/replay_check.h"

#include <sys/stat.h>

#include <cstdint>
#include <set>

#include <fmt/format.h>

#include "pack/file_set.h"
#include "store/content_hash.h"

namespace fantrace::pack {

ReplayFindings CheckReplay(const Manifest& m, const TraceFile& replay, const std::string& root, bool verify) {
  ReplayFindings found;
  std::set<std::string> held;
  for (const FileEntry& f : m.files) held.insert(f.path);
  std::set<std::string> recorded_outputs;
  for (const OutputEntry& o : m.outputs) recorded_outputs.insert(o.path);
  auto outside = [&](const std::string& path) {
    return !held.count(path) && !IsMachinePath(path) && !recorded_outputs.count(path);
  };
  for (const std::set<std::string>* list : {&replay.read, &replay.executed})
    for (const std::string& path : *list)
      if (outside(path)) found.outside.push_back(path);
  std::set<std::string> absent(m.absent.begin(), m.absent.end());
  for (const std::string& path : replay.missing)
    if (!absent.count(path) && !IsMachinePath(path)) found.missing.push_back(path);
  // The summary checks that outputs exist on the host, not in the root:
  // a file counts as a new output if the root has it.
  std::set<std::string> written = replay.written;
  written.insert(replay.opened_to_write.begin(), replay.opened_to_write.end());
  for (const std::string& path : written) {
    struct stat st;
    if (!recorded_outputs.count(path) && lstat((root + path).c_str(), &st) == 0 && S_ISREG(st.st_mode))
      found.new_outputs.push_back(path);
  }
  if (!verify) return found;
  found.exit_differs = replay.exit_code != m.exit_status;
  const store::HashScheme whole{.whole_max = UINT64_MAX};
  for (const OutputEntry& o : m.outputs) {
    std::string at = root + o.path;
    struct stat st;
    if (lstat(at.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      found.differs.push_back({o.path, "not made by the replay"});
      continue;
    }
    Result<std::string> hash = store::HashPath(at, whole);
    if (!hash) {
      found.differs.push_back({o.path, "cannot be read: " + hash.error().message});
    } else if (*hash != o.hash) {
      found.differs.push_back({o.path, fmt::format("content differs: {} bytes, hash {} recorded; {} bytes, hash {} now",
                                                   o.size, o.hash, st.st_size, *hash)});
    }
  }
  return found;
}

std::string OutputName(const std::string& path, const std::string& cwd) {
  std::string prefix = cwd == "/" ? "/" : cwd + "/";
  if (path.starts_with(prefix) && path.size() > prefix.size()) return path.substr(prefix.size());
  return path.substr(path.find_first_not_of('/'));
}

}  // namespace fantrace::pack
