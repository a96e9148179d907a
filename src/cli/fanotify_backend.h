// The trace backend on fanotify's tracing mode (FAN_TRACE, kernel/): one
// FAN_REPORT_DFID_NAME group marked with the command's pidfd, read until
// the kernel says the last traced task is gone (read() returns 0). The
// kernel allows one tracer per task, so one group serves both the file
// events (open, modify, close, exec) and the name events (create, delete,
// rename). What the mode cannot report is listed by Limitations() and in
// docs/compatibility.md. Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/trace_backend.h"

namespace fantrace::cli {

// Opens the group. Fails, saying why, when the kernel has no FAN_TRACE or
// when options the mode cannot honour were given.
Result<std::unique_ptr<TraceBackend>> OpenFanotifyBackend(const Options& options, const TraceOptions& trace);

}  // namespace fantrace::cli
