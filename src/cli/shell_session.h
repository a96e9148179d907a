// `fantrace shell-session` (hidden; started by the shell-init code): the
// recorder of one interactive shell. It creates the fifo, attaches the
// shell (through fantraced, or in-process for root), then goes to the
// background and returns, so the shell knows tracing is on before its
// first command. In the background it cuts the shell's event stream into
// commands at the marks the hooks write (shell_marks.h): the events
// between a command's start and end mark, by timestamp, are its files; the
// hooks' own writes to the fifo are not. Each command is stored in the
// user's database as `SHELL -c LINE`. It ends when the shell exits,
// integration is turned off (mark X), or the fifo's writers are gone.
#pragma once

#include "cli/options.h"

namespace fantrace::cli {

// Returns 0 once the shell is traced and the recorder runs in the
// background; kExitUsage with one line on stderr when it cannot be.
int RunShellSession(const Options& options);

}  // namespace fantrace::cli
