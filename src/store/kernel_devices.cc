#include "store/kernel_devices.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace fantrace::store {
namespace {

std::map<uint64_t, uint64_t> ReadMountinfo() {
  std::ifstream in("/proc/self/mountinfo");
  std::stringstream text;
  text << in.rdbuf();
  return ParseMountinfo(text.str());
}

}  // namespace

std::map<uint64_t, uint64_t> ParseMountinfo(std::string_view text) {
  std::map<uint64_t, uint64_t> out;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string line(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    unsigned long long id = 0, parent = 0;
    unsigned major = 0, minor = 0;
    if (sscanf(line.c_str(), "%llu %llu %u:%u ", &id, &parent, &major, &minor) == 4) out[id] = makedev(major, minor);
  }
  return out;
}

std::optional<uint64_t> KernelDevices::Of(int fd) {
  struct statx stx;
  if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) != 0 || !(stx.stx_mask & STATX_MNT_ID)) return std::nullopt;
  const uint64_t mount = stx.stx_mnt_id;
  auto it = by_mount_.find(mount);
  if (it == by_mount_.end() && !unknown_.contains(mount)) {
    by_mount_ = ReadMountinfo();  // a mount this process has not seen yet
    it = by_mount_.find(mount);
    if (it == by_mount_.end()) unknown_.insert(mount);
  }
  if (it == by_mount_.end()) return std::nullopt;
  return it->second;
}

}  // namespace fantrace::store
