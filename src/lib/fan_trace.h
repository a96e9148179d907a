// FAN_TRACE, fanotify's tracing mode (kernel/, docs/fan-trace.md): the
// UAPI constants the kernel series adds, which no released kernel header
// has yet, and the probe that tells whether the running kernel has the mode.
#pragma once

#include <string>

#include "fantrace/result.h"

namespace fantrace {

// fanotify_init() flag of the series (include/uapi/linux/fanotify.h).
inline constexpr unsigned int kFanTrace = 0x00008000;

// What the probe found: present, absent (the kernel refuses the flag with
// EINVAL), or unknown (fanotify refused for another reason: not root, no
// fanotify in the kernel); detail says which.
struct FanTraceSupport {
  bool present = false;
  std::string detail;
};

// Tries fanotify_init(FAN_TRACE | FAN_CLASS_NOTIF | FAN_REPORT_DFID_NAME)
// and closes the group at once: a group traces no task until it is marked.
FanTraceSupport ProbeFanTrace();

}  // namespace fantrace
