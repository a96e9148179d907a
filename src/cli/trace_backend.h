// Where a trace runs: in this process (root loads the engine, as always),
// or in fantraced (an ordinary user, or --daemon). Both give the session
// the same events, counters and end of tree, so output, summary and exit
// status do not depend on which one served the trace.
#pragma once

#include <sys/types.h>

#include <memory>

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
};

// True when this trace goes through fantraced: --daemon, or not root.
bool UsesDaemon(const Options& options);

// The in-process engine or a connection to fantraced, per UsesDaemon.
// Options the daemon cannot honour yet are refused with a message saying so.
Result<std::unique_ptr<TraceBackend>> OpenBackend(const Options& options, const TraceOptions& trace);

}  // namespace fantrace::cli
