#include "pack/replay_root.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "pack/bundle.h"
#include "store/content_hash.h"

extern char** environ;

namespace fantrace::pack {
namespace {

Status CopyFile(const std::string& from, const std::string& to, mode_t mode) {
  std::error_code ec;
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, ec);
  if (ec) return MakeError(fmt::format("cannot copy {} to {}: {}", from, to, ec.message()));
  chmod(to.c_str(), mode);
  return Ok{};
}

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

Status Mount(const char* source, const std::string& target, const char* type, unsigned long flags, const char* data) {
  if (mount(source, target.c_str(), type, flags, data) != 0)
    return MakeError(fmt::format("cannot mount {} on {}: {}", source ? source : type, target, strerror(errno)));
  return Ok{};
}

// Host device nodes a command may expect in /dev.
constexpr const char* kDevices[] = {"null", "zero", "full", "random", "urandom", "tty"};

Status MountDev(const std::string& dev) {
  if (Status st = Mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k"); !st) return st;
  for (const char* name : kDevices) {
    std::string host = std::string("/dev/") + name;
    std::string node = dev + "/" + name;
    struct stat st;
    if (stat(host.c_str(), &st) != 0) continue;
    int fd = open(node.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
    if (fd < 0) return MakeError(fmt::format("cannot create {}: {}", node, strerror(errno)));
    close(fd);
    if (Status s = Mount(host.c_str(), node, nullptr, MS_BIND, nullptr); !s) return s;
  }
  for (auto [name, target] : {std::pair{"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
                              {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}})
    symlink(target, (dev + "/" + name).c_str());
  mkdir((dev + "/shm").c_str(), 01777);
  mkdir((dev + "/pts").c_str(), 0755);
  return Ok{};
}

void LoopbackUp() {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return;
  struct ifreq ifr{};
  strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    ioctl(s, SIOCSIFFLAGS, &ifr);
  }
  close(s);
}

}  // namespace

Result<ReplayRoot> PrepareReplayRoot(const std::string& bundle, const Manifest& manifest,
                                     const std::vector<std::pair<std::string, std::string>>& inputs,
                                     std::vector<std::string>& warnings) {
  const char* tmp = getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/fantrace-replay-XXXXXX";
  if (!mkdtemp(pattern.data())) return MakeError(fmt::format("cannot create a directory {}: {}", pattern, strerror(errno)));
  ReplayRoot r{pattern, pattern + "/root"};
  chmod(r.dir.c_str(), 0755);  // the command's user must reach root/
  auto fail = [&](const Error& e) -> Result<ReplayRoot> {
    RemoveReplayRoot(r);
    return e;
  };
  if (Status st = ExtractBundle(bundle, r.dir); !st) return fail(st.error());
  mkdir(r.root.c_str(), 0755);
  const store::HashScheme whole{.whole_max = UINT64_MAX};
  for (const FileEntry& f : manifest.files) {
    if (f.included || f.type != "file") continue;
    std::string at = r.root + f.path;
    Result<std::string> hash = store::HashPath(f.path, whole);
    if (!hash || *hash != f.hash) {
      warnings.push_back(fmt::format("{} ({} {}) was left out of the bundle and this machine's copy {}", f.path,
                                     f.package ? f.package->name : "", f.package ? f.package->version : "",
                                     hash ? "differs" : "is missing"));
      continue;
    }
    std::filesystem::create_directories(Parent(at));
    if (Status st = CopyFile(f.path, at, f.mode); !st) return fail(st.error());
    if (lchown(at.c_str(), f.uid, f.gid) != 0) warnings.push_back(fmt::format("cannot chown {}", at));
  }
  for (const auto& [path, file] : inputs) {
    const FileEntry* entry = nullptr;
    for (const FileEntry& f : manifest.files)
      if (f.path == path && f.type == "file") entry = &f;
    if (!entry) return fail(MakeError(fmt::format("--input {}: the bundle has no such file (see fantrace info)", path)));
    std::string at = r.root + path;
    if (Status st = CopyFile(file, at, entry->mode); !st) return fail(st.error());
    if (lchown(at.c_str(), entry->uid, entry->gid) != 0) warnings.push_back(fmt::format("cannot chown {}", at));
  }
  for (const char* dir : {"/proc", "/dev", "/tmp"}) mkdir((r.root + dir).c_str(), 0755);
  chmod((r.root + "/tmp").c_str(), 01777);
  return r;
}

Status EnterReplayMounts(const ReplayRoot& r) {
  if (unshare(CLONE_NEWNS) != 0)
    return MakeError(fmt::format("cannot create a mount namespace: {} (replay needs root)", strerror(errno)));
  if (Status st = Mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr); !st) return st;
  // pivot_root wants the new root to be a mount point.
  if (Status st = Mount(r.root.c_str(), r.root, nullptr, MS_BIND | MS_REC, nullptr); !st) return st;
  std::string proc = r.root + "/proc";
  if (!Mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr)) {
    // Where a fresh proc is refused (a container's masked /proc), bind it.
    if (Status st = Mount("/proc", proc, nullptr, MS_BIND | MS_REC, nullptr); !st) return st;
  }
  return MountDev(r.root + "/dev");
}

int EnterReplayRoot(ChildRoot& c) {
  int flags = CLONE_NEWNS | CLONE_NEWUTS | (c.network ? 0 : CLONE_NEWNET);
  if (unshare(flags) != 0) return errno;
  if (!c.hostname.empty()) sethostname(c.hostname.data(), c.hostname.size());
  if (!c.network) LoopbackUp();
  if (chdir(c.root.c_str()) != 0) return errno;
  if (syscall(SYS_pivot_root, ".", ".") != 0) return errno;
  if (umount2(".", MNT_DETACH) != 0) return errno;
  if (chdir("/") != 0 || chdir(c.cwd.c_str()) != 0) return errno;
  environ = c.envp.data();
  return 0;
}

void RemoveReplayRoot(const ReplayRoot& r) {
  // A bind or proc mount left by a failed start would make remove_all
  // descend into the host: detach them first (they are in our namespace).
  for (const char* sub : {"/proc", "/dev", ""}) umount2((r.root + sub).c_str(), MNT_DETACH);
  std::error_code ec;
  std::filesystem::remove_all(r.dir, ec);
}

}  // namespace fantrace::pack
