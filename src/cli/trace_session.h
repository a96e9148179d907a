// One trace from start to summary: opens the tracer, starts or attaches to
// the command, reads events into the chosen writer and the summary until the
// last traced process has exited, and returns the exit status fantrace
// should exit with. The only place where library errors become messages.
#pragma once

#include "cli/options.h"

namespace fantrace::cli {

int RunTraceSession(const Options& options);

}  // namespace fantrace::cli
