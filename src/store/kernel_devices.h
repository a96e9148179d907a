// The device number the trace's events carry for a file is its
// filesystem's (the superblock's s_dev, which /proc/self/mountinfo shows),
// while stat's st_dev can be another: every btrfs subvolume has a number of
// its own, and an overlay over several filesystems reports its layer's.
// KernelDevices finds the kernel's number for an open file through its
// mount (statx's mount id, Linux 5.8) and mountinfo, which it reads again
// only when it meets a mount it does not know. Not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string_view>

namespace fantrace::store {

class KernelDevices {
 public:
  // The kernel's device number (makedev form) of the filesystem holding
  // the open file `fd`; nullopt when its mount cannot be found.
  std::optional<uint64_t> Of(int fd);

 private:
  std::map<uint64_t, uint64_t> by_mount_;
  std::set<uint64_t> unknown_;  // mount ids a fresh mountinfo did not have either
};

// Mount id -> device number (makedev form) from mountinfo text (proc(5)):
// the first and the third field of each line. Lines it cannot read are
// skipped.
std::map<uint64_t, uint64_t> ParseMountinfo(std::string_view text);

}  // namespace fantrace::store
