// Names for the directory file handles a FAN_REPORT_DFID_NAME group
// reports: open_by_handle_at() on a mount of the handle's file system
// (found by fsid among the tracer's mounts), then the kernel's path of
// that directory (/proc/self/fd). Resolved handles are remembered, so a
// directory removed before its events were read still has its name.
// Needs CAP_DAC_READ_SEARCH (root). Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lib/fanotify_records.h"

namespace fantrace {

class FanHandleResolver {
 public:
  // magic numbers of file systems whose events are not reported (--exclude-fs).
  explicit FanHandleResolver(std::vector<uint64_t> excluded_magic);
  ~FanHandleResolver();
  FanHandleResolver(const FanHandleResolver&) = delete;
  FanHandleResolver& operator=(const FanHandleResolver&) = delete;

  // The absolute path of dir + "/" + name; nullopt when the directory can
  // no longer be found (counted in unresolved()).
  std::optional<std::string> Path(const FanDirName& dir);
  // True when the handle's file system is excluded.
  bool Excluded(const FanDirName& dir);

  uint64_t unresolved() const { return unresolved_; }

 private:
  struct Mount {
    int fd = -1;
    uint64_t magic = 0;
  };
  const Mount* MountOf(uint64_t fsid);
  void ScanMounts();

  std::vector<uint64_t> excluded_magic_;
  std::map<uint64_t, Mount> mounts_;         // by fsid
  std::set<uint64_t> unknown_fsids_;         // looked for once, not on our mounts
  std::map<std::string, std::string> dirs_;  // fsid + handle bytes -> path
  uint64_t unresolved_ = 0;
};

}  // namespace fantrace
