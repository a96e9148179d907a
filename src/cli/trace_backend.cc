#include "cli/trace_backend.h"

#include <unistd.h>

#include <fmt/format.h>

#include "cli/fanotify_backend.h"
#include "lib/daemon_client.h"
#include "lib/fan_trace.h"
#include "lib/daemon_protocol.h"

namespace fantrace::cli {
namespace {

class LocalBackend : public TraceBackend {
 public:
  explicit LocalBackend(std::unique_ptr<Tracer> tracer) : tracer_(std::move(tracer)) {}
  Status AddRoot(pid_t pid) override { return tracer_->AddRoot(pid); }
  Result<int> AddTree(pid_t pid) override { return tracer_->AddTree(pid); }
  Status Poll(int timeout_ms, const EventSink& sink) override { return tracer_->Poll(timeout_ms, sink); }
  Status Drain(const EventSink& sink) override { return tracer_->Drain(sink); }
  bool TreeEnded() const override { return tracer_->TreeEnded(); }
  TraceCounters Counters() const override { return tracer_->Counters(); }
  uint64_t undecodable() const override { return tracer_->undecodable(); }
  void Release() override { tracer_->ReleaseInBackground(); }

 private:
  std::unique_ptr<Tracer> tracer_;
};

class DaemonBackend : public TraceBackend {
 public:
  DaemonBackend(std::unique_ptr<DaemonClient> client, TraceOptions options)
      : client_(std::move(client)), options_(std::move(options)) {}
  Status AddRoot(pid_t pid) override {
    Result<int> added = client_->Trace(pid, false, options_);
    if (!added) return added.error();
    return Ok{};
  }
  Result<int> AddTree(pid_t pid) override { return client_->Trace(pid, true, options_); }
  Status Poll(int timeout_ms, const EventSink& sink) override { return client_->Poll(timeout_ms, sink); }
  Status Drain(const EventSink& sink) override { return client_->Drain(sink); }
  bool TreeEnded() const override { return client_->TreeEnded(); }
  TraceCounters Counters() const override { return client_->Counters(); }
  uint64_t undecodable() const override { return client_->undecodable(); }
  void Release() override { client_.reset(); }

 private:
  std::unique_ptr<DaemonClient> client_;
  TraceOptions options_;
};

// The kernel-side options fantraced does not take per session yet (it
// takes --events, --probes when it was started with them, --no-merge,
// --all-files, --only-written, --include and --exclude; the others are one
// configuration for all sessions: docs/design.md).
Status CheckDaemonOptions(const Options& o) {
  const TraceOptions defaults;
  const TraceOptions& t = o.trace;
  const char* option = nullptr;
  if (t.exclude_fs != defaults.exclude_fs) option = "--exclude-fs";
  else if (!t.exclude_comm.empty()) option = "--exclude-comm";
  else if (!t.filter_bpf.empty()) option = "--filter-bpf";
  else if (!o.user.empty()) option = "--user";
  if (!option) return Ok{};
  return MakeError(fmt::format("{} is not available through fantraced yet: run fantrace as root "
                               "(without --daemon) to use it", option));
}

}  // namespace

bool UsesDaemon(const Options& options) { return options.daemon || geteuid() != 0; }

Result<std::unique_ptr<TraceBackend>> OpenBackend(const Options& options, const TraceOptions& trace) {
  if (options.backend == "fanotify") {
    if (UsesDaemon(options))
      return MakeError("--backend fanotify traces in this process: run fantrace as root, without --daemon");
    return OpenFanotifyBackend(options, trace);
  }
  if (!UsesDaemon(options)) {
    Result<std::unique_ptr<Tracer>> tracer = Tracer::Open(trace);
    if (!tracer) {
      // auto: where BPF cannot be used, a kernel with FAN_TRACE still traces.
      if (options.backend == "auto" && ProbeFanTrace().present) return OpenFanotifyBackend(options, trace);
      return tracer.error();
    }
    return std::unique_ptr<TraceBackend>(new LocalBackend(std::move(*tracer)));
  }
  if (Status st = CheckDaemonOptions(options); !st) return st.error();
  Result<std::unique_ptr<DaemonClient>> client = DaemonClient::Connect(DaemonSocketPath(), trace.include, trace.exclude);
  if (!client) return client.error();
  return std::unique_ptr<TraceBackend>(new DaemonBackend(std::move(*client), trace));
}

}  // namespace fantrace::cli
