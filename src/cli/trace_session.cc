#include "cli/trace_session.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "cli/exit_status.h"
#include "cli/format.h"
#include "cli/launcher.h"
#include "cli/recorder.h"
#include "cli/trace_backend.h"
#include "fantrace/tracer.h"
#include "lib/shell_status.h"
#include "lib/summary.h"

namespace fantrace::cli {
namespace {

constexpr int kPollMs = 50;

volatile sig_atomic_t forward_pid = 0;   // run: signals go to the command
volatile sig_atomic_t stop_requested = 0;  // attach: Ctrl-C ends the trace

void ForwardSignal(int sig) {
  if (forward_pid > 0) kill(forward_pid, sig);
}

void RequestStop(int) { stop_requested = 1; }

void InstallSignalHandlers(bool attach) {
  // A closed output pipe must come back as a write error (and a summary),
  // not kill fantrace while the command runs on.
  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa{};
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  if (attach) {
    sa.sa_handler = RequestStop;
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
    return;
  }
  // The terminal sends SIGINT/SIGQUIT to the whole foreground group, the
  // command included; fantrace stays to report what the command did.
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  sa.sa_handler = ForwardSignal;
  for (int sig : {SIGTERM, SIGHUP, SIGUSR1, SIGUSR2}) sigaction(sig, &sa, nullptr);
}

int64_t WallClockNs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int Fail(const std::string& message, int status = kExitUsage) {
  fmt::print(stderr, "fantrace: {}\n", message);
  return status;
}

struct Output {
  FILE* file = nullptr;
  bool owned = false;
  ~Output() {
    if (owned && file) fclose(file);
  }
};

Result<FILE*> OpenOutput(const Options& o, Output& out) {
  if (o.output.empty()) {
    out.file = stderr;
  } else if (o.output == "-") {
    out.file = stdout;
  } else {
    out.file = fopen(o.output.c_str(), "we");
    if (!out.file) return MakeError(fmt::format("cannot open output file {}: {}", o.output, strerror(errno)));
    out.owned = true;
  }
  return out.file;
}

}  // namespace

// The working directory the traced command starts in (for a user filter's
// ft_cwd): ours for run, the process's for attach.
static std::string CommandCwd(pid_t attach_pid) {
  std::error_code ec;
  std::filesystem::path cwd = attach_pid ? std::filesystem::read_symlink(fmt::format("/proc/{}/cwd", attach_pid), ec)
                                         : std::filesystem::current_path(ec);
  return ec ? std::string() : cwd.string();
}

int RunTraceSession(const Options& o, const SessionHooks& hooks) {
  bool attach = o.mode == Mode::kAttach;
  Result<std::optional<Credentials>> user = ResolveUser(o.user);
  if (!user) return Fail(user.error().message);
  if (geteuid() != 0 && o.user.empty()) *user = std::nullopt;  // no sudo to undo: it runs as us
  if (hooks.user) *user = hooks.user;
  if (!attach && !hooks.lookup_in_child) {
    Result<std::string> exe = FindExecutable(o.command[0]);
    if (!exe) {
      bool missing = exe.error().message.find("not found") != std::string::npos ||
                     exe.error().message.find("no such file") != std::string::npos;
      return Fail(exe.error().message, missing ? kExitNotFound : kExitNotExecutable);
    }
  } else if (kill(o.attach_pid, 0) != 0 && errno == ESRCH) {
    return Fail(fmt::format("no process with pid {}", o.attach_pid));
  }

  // record: the database first, so that one that cannot be used stops
  // fantrace before the command runs.
  std::unique_ptr<Recorder> recorder;
  if (o.mode == Mode::kRecord) {
    Result<std::unique_ptr<Recorder>> r = Recorder::Open(o);
    if (!r) return Fail(r.error().message);
    recorder = std::move(*r);
  }

  TraceOptions trace = o.trace;
  if (!trace.filter_bpf.empty()) trace.filter_cwd = CommandCwd(attach ? o.attach_pid : 0);
  Result<std::unique_ptr<TraceBackend>> opened = OpenBackend(o, trace);
  if (!opened) return Fail(opened.error().message);
  TraceBackend& tracer = **opened;

  // Opened (and an existing file truncated) only once tracing is sure to
  // start: a failure before that leaves the user's file as it was.
  Output out;
  std::unique_ptr<EventWriter> writer;
  if (!o.summary_only) {
    Result<FILE*> file = OpenOutput(o, out);
    if (!file) return Fail(file.error().message);
    Result<std::unique_ptr<EventWriter>> w = MakeWriter(o.format, *file);
    if (!w) return Fail(w.error().message);
    writer = std::move(*w);
  }
  // What the backend cannot report, once nothing can stop the run any more
  // (an error before it is then the one line on stderr).
  if (!o.no_summary)
    for (const std::string& line : tracer.Limitations()) fmt::print(stderr, "fantrace: warning: {}\n", line);

  InstallSignalHandlers(attach);
  std::optional<PausedChild> child;
  pid_t root = o.attach_pid;
  if (!attach) {
    Result<PausedChild> started = PausedChild::Start(o.command, *user, hooks.child_setup);
    if (!started) return Fail(started.error().message);
    child.emplace(std::move(*started));
    root = child->pid();
  }
  // attach takes the process with the descendants it already has; a
  // command started here has none yet.
  if (attach) {
    if (Result<int> added = tracer.AddTree(root); !added) return Fail(added.error().message);
  } else if (Status st = tracer.AddRoot(root); !st) {
    kill(child->pid(), SIGKILL);
    return Fail(st.error().message);
  }
  const int64_t start_ns = WallClockNs();
  if (child) {
    forward_pid = child->pid();
    if (Status st = child->Release(); !st) {
      waitpid(child->pid(), nullptr, 0);
      return Fail(st.error().message, child->exec_status());
    }
  }

  SummaryBuilder summary((trace.event_mask & kLookupEventMask) != 0);
  std::optional<int> root_status;  // the command's $?
  std::optional<Error> output_error;
  EventSink sink = [&](const Event& event) -> Status {
    summary.Add(event);
    if (recorder) recorder->Add(event);
    if (attach && event.type == EventType::kExit && event.pid == static_cast<uint32_t>(root))
      root_status = event.exit_status;
    if (writer && !output_error) {
      if (Status st = writer->Write(event); !st) output_error = st.error();
    }
    return Ok{};
  };

  bool child_running = child.has_value();
  std::optional<Error> read_error;
  while (true) {
    if (Status st = tracer.Poll(kPollMs, sink); !st) {
      read_error = st.error();
      break;
    }
    if (child_running) {
      int wstatus = 0;
      pid_t r = waitpid(child->pid(), &wstatus, WNOHANG);
      if (r == child->pid()) {
        child_running = false;
        root_status = ShellStatus(wstatus);
      }
    }
    if (tracer.TreeEnded() || stop_requested) break;
  }
  if (!read_error) {
    if (Status st = tracer.Drain(sink); !st) read_error = st.error();
  }
  const int64_t end_ns = WallClockNs();
  TraceCounters counters = tracer.Counters();
  uint64_t undecodable = tracer.undecodable();

  if (child_running) {  // left the tree (setuid) but still running
    int wstatus = 0;
    while (waitpid(child->pid(), &wstatus, 0) < 0 && errno == EINTR) {
    }
    root_status = ShellStatus(wstatus);
  }

  RealFileSystem fs;
  Summary result = summary.Finish(fs);
  result.exit_code = root_status.value_or(0);
  result.stats = TraceStats{true,
                            counters.emitted,
                            counters.merged,
                            counters.lost,
                            counters.filtered,
                            counters.filtered_path,
                            counters.filtered_fs,
                            counters.filtered_comm,
                            counters.filtered_unwritten,
                            counters.filtered_user,
                            counters.uring_undecoded};
  if (writer && !output_error) {
    Status st = writer->WriteSummary(result);
    if (st) st = writer->Flush();
    if (!st) output_error = st.error();
  }
  // The text format on stderr already ends with the summary.
  bool summary_shown = writer && o.format == "text" && o.output.empty();
  bool incomplete = result.lost > 0 || undecodable > 0 || counters.file_state_full > 0 ||
                    counters.untracked_procs > 0 || counters.fd_scan_cut > 0;
  if (!o.no_summary && !summary_shown && (incomplete || !o.summary_if_incomplete)) {
    WriteSummaryText(stderr, result);
    if (undecodable > 0 || counters.file_state_full > 0 || counters.untracked_procs > 0)
      fmt::print(stderr,
                 "fantrace: warning: the trace is incomplete: {} records could not be decoded, "
                 "{} open files and {} processes could not be tracked\n",
                 undecodable, counters.file_state_full, counters.untracked_procs);
    if (counters.fd_scan_cut > 0)
      fmt::print(stderr,
                 "fantrace: warning: the trace may be incomplete: {} process exits or close_range "
                 "calls had fd tables past the scan limit (1024 fds on the compat path, 65536 "
                 "otherwise; see docs/design.md): closes of descriptors past it are not reported\n",
                 counters.fd_scan_cut);
    if (counters.pending_full > 0 || counters.scm_cut > 0)
      fmt::print(stderr,
                 "fantrace: warning: the trace may be incomplete: {} files closed while mapped or "
                 "close-on-exec did not fit their process's list (their close may be missing), "
                 "and {} fds received over Unix sockets were past the bound (not reported as "
                 "opens); see docs/design.md\n",
                 counters.pending_full, counters.scm_cut);
  }
  fflush(stdout);
  fflush(stderr);
  tracer.Release();
  if (read_error) return Fail(read_error->message);
  if (recorder) {
    const int64_t store_start = WallClockNs();
    Result<int64_t> id = recorder->Store(result, start_ns, end_ns);
    if (!id) return Fail(id.error().message);
    if (!o.no_summary)
      fmt::print(stderr, "fantrace: recorded as command #{} in {} (files hashed and stored in {:.3f} s)\n", *id,
                 recorder->path(), static_cast<double>(WallClockNs() - store_start) / 1e9);
  }
  if (output_error) return Fail(fmt::format("writing the events failed: {}", output_error->message));
  if (attach && !root_status && stop_requested) return 0;
  return result.exit_code;
}

}  // namespace fantrace::cli
