// The exit statuses of the fantrace command (documented in --help and docs/).
// fantrace exits with the traced command's status, as time(1) and strace(1)
// do; its own failures use the codes below.
#pragma once

namespace fantrace::cli {

inline constexpr int kExitUsage = 2;        // bad options, not root, BPF refused, output unwritable
inline constexpr int kExitNotExecutable = 126;  // command found but cannot be executed
inline constexpr int kExitNotFound = 127;   // command not found

// A wait(2) status as a shell's $? reports it: the exit code, or 128+N when
// the process was killed by signal N.
int ShellStatus(int wait_status);

}  // namespace fantrace::cli
