#include "lib/kernel_env.h"

#include <bpf/libbpf.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <fmt/format.h>

namespace fantrace {
namespace {

constexpr const char* kBtfPath = "/sys/kernel/btf/vmlinux";
constexpr const char* kTracefs = "/sys/kernel/tracing";
constexpr size_t kLogLimit = 64 * 1024;

std::mutex log_mutex;
std::string libbpf_log;

int LibbpfPrint(enum libbpf_print_level level, const char* format, va_list args) {
  if (level == LIBBPF_DEBUG) return 0;
  char* text = nullptr;
  int n = vasprintf(&text, format, args);
  if (n < 0) return n;
  std::lock_guard lock(log_mutex);
  libbpf_log.append(text, n);
  // Keep the end: the verifier states its reason last.
  if (libbpf_log.size() > kLogLimit) libbpf_log.erase(0, libbpf_log.size() - kLogLimit);
  free(text);
  return n;
}

bool Exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

}  // namespace

Status CheckPrivileges() {
  if (geteuid() != 0)
    return MakeError(
        "tracing needs root (to load BPF programs); run fantrace with sudo, "
        "or as root");
  return Ok{};
}

Status CheckBtf() {
  if (!Exists(kBtfPath))
    return MakeError(fmt::format(
        "this kernel has no BTF ({} is missing); fantrace needs a kernel built "
        "with CONFIG_DEBUG_INFO_BTF=y (Debian, Ubuntu and Fedora kernels have it)",
        kBtfPath));
  return Ok{};
}

Status EnsureTracefs() {
  for (const char* root : {kTracefs, "/sys/kernel/debug/tracing"}) {
    if (Exists(fmt::format("{}/events/syscalls", root))) return Ok{};
  }
  if (mount("tracefs", kTracefs, "tracefs", 0, nullptr) != 0)
    return MakeError(fmt::format(
        "cannot mount tracefs at {}: {}; mount it by hand "
        "(mount -t tracefs nodev {}) and try again",
        kTracefs, strerror(errno), kTracefs));
  if (!Exists(fmt::format("{}/events/syscalls", kTracefs)))
    return MakeError(
        "this kernel has no syscall tracepoints (CONFIG_FTRACE_SYSCALLS is "
        "off); fantrace cannot trace file system calls on it");
  return Ok{};
}

bool HasTracepoint(const char* system, const char* name) {
  for (const char* root : {kTracefs, "/sys/kernel/debug/tracing"})
    if (Exists(fmt::format("{}/events/{}/{}", root, system, name))) return true;
  return false;
}

void CaptureLibbpfLog() { libbpf_set_print(LibbpfPrint); }

std::string TakeLibbpfLog() {
  std::lock_guard lock(log_mutex);
  std::string out;
  out.swap(libbpf_log);
  return out;
}

}  // namespace fantrace
