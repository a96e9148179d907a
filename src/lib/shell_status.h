// A wait(2) status, which is also what the kernel keeps as a task's exit
// code, as a shell's $? reports it: the exit code, or 128+N when the
// process was killed by signal N. Shared by the decoder (exit events) and
// the CLI (the command's own status). Stateless, thread-safe.
#pragma once

#include <cstdint>

namespace fantrace {

int ShellStatus(int64_t wait_status);

}  // namespace fantrace
