// Where a trace runs: in this process (root loads the engine, as always),
// in fantraced (an ordinary user, or --daemon), or on fanotify's tracing
// mode (--backend fanotify, or auto on a kernel with FAN_TRACE where BPF
// cannot be used: cli/fanotify_backend.h). Both give the session
// the same events, counters and end of tree, so output, summary and exit
// status do not depend on which one served the trace.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "cli/options.h"
#include "fantrace/result.h"
#include "fantrace/tracer.h"

namespace fantrace::cli {

class TraceBackend {
 public:
  virtual ~TraceBackend() = default;
  virtual Status AddRoot(pid_t pid) = 0;
  virtual Result<int> AddTree(pid_t pid) = 0;
  virtual Status Poll(int timeout_ms, const EventSink& sink) = 0;
  virtual Status Drain(const EventSink& sink) = 0;
  virtual bool TreeEnded() const = 0;
  virtual TraceCounters Counters() const = 0;
  virtual uint64_t undecodable() const = 0;
  virtual void Release() = 0;  // ends the trace without waiting for the kernel
  // What this backend cannot report, one warning line each (empty: nothing).
  virtual std::vector<std::string> Limitations() const { return {}; }
};

// True when this trace goes through fantraced: --daemon, or not root.
bool UsesDaemon(const Options& options);

// The in-process engine or a connection to fantraced, per UsesDaemon, or
// the fanotify backend per --backend (auto: the eBPF engine when it opens,
// else fanotify when the kernel has FAN_TRACE). Options the daemon or
// fanotify cannot honour are refused with a message saying so.
Result<std::unique_ptr<TraceBackend>> OpenBackend(const Options& options, const TraceOptions& trace);

}  // namespace fantrace::cli
