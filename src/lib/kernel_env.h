// Checks and set-up of the kernel environment a trace needs: privileges,
// BTF, and a mounted tracefs (syscall tracepoints are found through it).
// Each failure comes back as one message that says what to do.
#pragma once

#include <string>

#include "fantrace/result.h"

namespace fantrace {

Status CheckPrivileges();
Status CheckBtf();
// Mounts tracefs at /sys/kernel/tracing when no tracefs is mounted.
Status EnsureTracefs();
// True when the kernel has tracepoint system:name (looked up in tracefs).
bool HasTracepoint(const char* system, const char* name);

// Collects libbpf's messages so that a load failure can show the verifier's
// reasons; libbpf prints nothing by itself.
void CaptureLibbpfLog();
std::string TakeLibbpfLog();

}  // namespace fantrace
