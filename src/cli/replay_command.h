// `fantrace replay`: unpacks a bundle into a new root, runs its command
// there under the tracer (cli/trace_session.h with the child entering the
// root, pack/replay_root.h), then compares what the replay did with what
// the bundle recorded (pack/replay_check.h), copies the outputs out and
// reports. Needs root: it creates mount and network namespaces.
#pragma once

#include "cli/options.h"

namespace fantrace::cli {

// Exit status: the command's; with --verify 0 when the outputs and the
// exit status are the recorded ones and 1 when any differs; 2 (kExitUsage)
// when fantrace failed.
int RunReplay(const Options& options);

}  // namespace fantrace::cli
