// The exit statuses of the fantrace command (documented in --help and docs/).
// fantrace exits with the traced command's status, as time(1) and strace(1)
// do; its own failures use the codes below.
#pragma once

namespace fantrace::cli {

inline constexpr int kExitUsage = 2;        // bad options, no fantraced for a non-root user, BPF refused, output unwritable,
                                           // a process fantraced refuses to trace, --backend fanotify
                                           // on a kernel without FAN_TRACE
inline constexpr int kExitNotExecutable = 126;  // command found but cannot be executed
inline constexpr int kExitNotFound = 127;   // command not found

}  // namespace fantrace::cli
