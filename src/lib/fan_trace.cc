#include "lib/fan_trace.h"

#include <fcntl.h>
#include <sys/fanotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace fantrace {

FanTraceSupport ProbeFanTrace() {
  int fd = fanotify_init(kFanTrace | FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_REPORT_DFID_NAME, O_RDONLY);
  if (fd >= 0) {
    close(fd);
    return {true, "fanotify_init(FAN_TRACE) succeeds"};
  }
  if (errno == EINVAL) return {false, "the kernel refuses FAN_TRACE (it lacks the kernel/ series)"};
  if (errno == ENOSYS) return {false, "the kernel has no fanotify"};
  return {false, fmt::format("fanotify_init failed: {} (fantrace tells FAN_TRACE only as root)", strerror(errno))};
}

}  // namespace fantrace
