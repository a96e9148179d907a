// The provenance subcommands that read the database: query (including
// --restore), history, show and lineage. Each returns fantrace's exit
// status: 0 when it found something, 1 when nothing matched, 2 (kExitUsage)
// when the database or an output could not be used. `record` is a trace
// session (trace_session.cc with recorder.h).
#pragma once

#include "cli/options.h"

namespace fantrace::cli {

int RunStoreCommand(const Options& options);

}  // namespace fantrace::cli
