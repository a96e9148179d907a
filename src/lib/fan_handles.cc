#include "lib/fan_handles.h"

#include <fcntl.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "lib/mount_table.h"

namespace fantrace {
namespace {

uint64_t FsidOf(const struct statfs& st) {
  int32_t words[2];
  static_assert(sizeof words == sizeof st.f_fsid);
  memcpy(words, &st.f_fsid, sizeof words);
  return static_cast<uint64_t>(static_cast<uint32_t>(words[0])) |
         static_cast<uint64_t>(static_cast<uint32_t>(words[1])) << 32;
}

std::string Key(const FanDirName& dir) {
  return fmt::format("{}:{}:", dir.fsid, dir.handle_type) + dir.handle;
}

std::string Join(const std::string& dir, const std::string& name) {
  if (name.empty()) return dir;
  return dir == "/" ? "/" + name : dir + "/" + name;
}

}  // namespace

FanHandleResolver::FanHandleResolver(std::vector<uint64_t> excluded_magic)
    : excluded_magic_(std::move(excluded_magic)) {}

FanHandleResolver::~FanHandleResolver() {
  for (auto& [fsid, m] : mounts_) close(m.fd);
}

void FanHandleResolver::ScanMounts() {
  for (const MountEntry& m : ReadOwnMounts()) {
    // open_by_handle_at() refuses an O_PATH mount fd (EBADF).
    int fd = open(m.mount_point.c_str(), O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    struct statfs st;
    if (fstatfs(fd, &st) != 0 || !mounts_.try_emplace(FsidOf(st), Mount{fd, static_cast<uint64_t>(st.f_type)}).second)
      close(fd);
  }
}

const FanHandleResolver::Mount* FanHandleResolver::MountOf(uint64_t fsid) {
  auto it = mounts_.find(fsid);
  if (it == mounts_.end() && unknown_fsids_.insert(fsid).second) {
    ScanMounts();  // a file system mounted since the last look (once per fsid)
    it = mounts_.find(fsid);
  }
  return it == mounts_.end() ? nullptr : &it->second;
}

bool FanHandleResolver::Excluded(const FanDirName& dir) {
  const Mount* m = MountOf(dir.fsid);
  return m && std::find(excluded_magic_.begin(), excluded_magic_.end(), m->magic) != excluded_magic_.end();
}

std::optional<std::string> FanHandleResolver::Path(const FanDirName& dir) {
  const std::string key = Key(dir);
  const Mount* m = MountOf(dir.fsid);
  if (m) {
    std::unique_ptr<file_handle, decltype(&free)> h(
        static_cast<file_handle*>(malloc(sizeof(file_handle) + dir.handle.size())), &free);
    h->handle_bytes = static_cast<unsigned int>(dir.handle.size());
    h->handle_type = dir.handle_type;
    memcpy(h->f_handle, dir.handle.data(), dir.handle.size());
    int fd = open_by_handle_at(m->fd, h.get(), O_PATH | O_CLOEXEC);
    if (fd >= 0) {
      char buf[4096];
      ssize_t n = readlink(fmt::format("/proc/self/fd/{}", fd).c_str(), buf, sizeof buf);
      close(fd);
      if (n > 0 && static_cast<size_t>(n) < sizeof buf) {
        std::string path(buf, static_cast<size_t>(n));
        constexpr std::string_view kDeleted = " (deleted)";
        if (path.ends_with(kDeleted)) path.resize(path.size() - kDeleted.size());
        if (path.starts_with("/")) {
          dirs_[key] = path;
          return Join(path, dir.name);
        }
      }
    }
  }
  if (auto known = dirs_.find(key); known != dirs_.end()) return Join(known->second, dir.name);
  ++unresolved_;
  return std::nullopt;
}

}  // namespace fantrace
