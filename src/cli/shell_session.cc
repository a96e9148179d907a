#include "cli/shell_session.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <deque>
#include <optional>

#include <fmt/format.h>

#include "cli/exit_status.h"
#include "cli/recorder.h"
#include "cli/shell_marks.h"
#include "cli/trace_backend.h"
#include "lib/summary.h"

namespace fantrace::cli {
namespace {

constexpr int kPollMs = 50;
// A command is cut this long after its end mark arrived, so that events
// still on their way (through fantraced) are in it.
constexpr int64_t kSettleNs = 200'000'000;
// The shell must open the fifo within this time after we return.
constexpr int64_t kOpenTimeoutNs = 30'000'000'000;

int64_t NowNs(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// A command between its marks: begin known, end once the prompt is back.
struct PendingCommand {
  ShellMark begin;
  std::optional<ShellMark> end;
  int64_t end_seen_ns = 0;  // CLOCK_MONOTONIC when the end mark was read
};

class ShellRecorder {
 public:
  ShellRecorder(const Options& o, std::unique_ptr<Recorder> recorder, std::unique_ptr<TraceBackend> backend, int fifo)
      : options_(o), recorder_(std::move(recorder)), backend_(std::move(backend)), fifo_(fifo) {
    struct stat st {};
    if (fstat(fifo, &st) == 0) {
      fifo_dev_ = st.st_dev;
      fifo_ino_ = st.st_ino;
    }
  }

  void Run() {
    const int64_t started = NowNs(CLOCK_MONOTONIC);
    EventSink sink = [this](const Event& e) -> Status {
      if (!Hook(e)) events_.push_back(e);
      return Ok{};
    };
    bool done = false;
    while (!done) {
      if (Status st = backend_->Poll(kPollMs, sink); !st) {
        fmt::print(stderr, "fantrace: shell session: reading the trace failed: {}\n", st.error().message);
        break;
      }
      done = ReadMarks() || backend_->TreeEnded() || kill(options_.attach_pid, 0) != 0;
      if (!opened_ && NowNs(CLOCK_MONOTONIC) - started > kOpenTimeoutNs) done = true;
      CutReady(false);
    }
    (void)backend_->Drain(sink);
    for (const ShellMark& m : parser_.Flush()) Mark(m);
    CutReady(true);
    backend_->Release();
    unlink(options_.shell_fifo.c_str());
  }

 private:
  // The hooks' own activity: their writes to (and the shell's open of) the fifo.
  // By name, and by inode in case the kernel names it differently (a
  // symlinked directory).
  bool Hook(const Event& e) const {
    const std::string& fifo = options_.shell_fifo;
    if (e.ino != 0 && e.ino == fifo_ino_ && e.dev == fifo_dev_) return true;
    return e.path == fifo || e.from == fifo || e.target == fifo;
  }

  // Reads what the hooks wrote; true at the end of the session.
  bool ReadMarks() {
    char buf[4096];
    while (true) {
      ssize_t n = read(fifo_, buf, sizeof(buf));
      if (n > 0) {
        parser_.Feed(buf, static_cast<size_t>(n));
        continue;
      }
      if (n == 0) return opened_;  // no writer left (before the shell opened it: not yet)
      if (errno == EINTR) continue;
      break;  // EAGAIN
    }
    for (const ShellMark& m : parser_.Take())
      if (Mark(m)) return true;
    return false;
  }

  bool Mark(const ShellMark& m) {
    switch (m.kind) {
      case ShellMark::Kind::kOpened:
        if (!opened_) unlink(options_.shell_fifo.c_str());  // both ends are open: the name is no longer needed
        opened_ = true;
        return false;
      case ShellMark::Kind::kOff: return true;
      case ShellMark::Kind::kBegin:
        opened_ = true;
        commands_.push_back(PendingCommand{m, std::nullopt, 0});
        return false;
      case ShellMark::Kind::kEnd:
        for (PendingCommand& c : commands_)
          if (!c.end) {
            c.end = m;
            c.end_seen_ns = NowNs(CLOCK_MONOTONIC);
            break;
          }
        return false;
    }
    return false;
  }

  // Stores the commands whose events have all arrived (all of them at the end).
  void CutReady(bool final) {
    while (!commands_.empty()) {
      PendingCommand& c = commands_.front();
      if (!c.end) {
        if (!final) return;
        commands_.pop_front();  // no end mark: the shell exited during it (`exit`)
        continue;
      }
      if (!final && NowNs(CLOCK_MONOTONIC) - c.end_seen_ns < kSettleNs) return;
      Store(c);
      commands_.pop_front();
    }
    // Events before the next command's start belong to no command (the
    // prompt: completion, the hooks).
    int64_t keep_from = commands_.empty() ? NowNs(CLOCK_REALTIME) - 10 * kSettleNs : commands_.front().begin.time_ns;
    while (!events_.empty() && static_cast<int64_t>(events_.front().time_ns) < keep_from) events_.pop_front();
  }

  void Store(const PendingCommand& c) {
    SummaryBuilder summary;
    for (const Event& e : events_) {
      int64_t t = static_cast<int64_t>(e.time_ns);
      if (t < c.begin.time_ns || t > c.end->time_ns) continue;
      summary.Add(e);
      recorder_->Add(e);
    }
    RealFileSystem fs;
    Summary result = summary.Finish(fs);
    result.exit_code = c.end->status;
    std::vector<std::string> argv = {options_.shell, "-c", c.begin.line};
    Result<int64_t> id = recorder_->StoreCommand(result, c.begin.time_ns, c.end->time_ns, argv, c.begin.cwd);
    if (!id) fmt::print(stderr, "fantrace: shell session: {}\n", id.error().message);
  }

  const Options& options_;
  std::unique_ptr<Recorder> recorder_;
  std::unique_ptr<TraceBackend> backend_;
  int fifo_;
  uint64_t fifo_dev_ = 0, fifo_ino_ = 0;
  ShellMarkParser parser_;
  std::deque<Event> events_;
  std::deque<PendingCommand> commands_;
  bool opened_ = false;
};

// In the background child: attach the shell, tell the parent, record.
[[noreturn]] void Child(const Options& o, int report) {
  auto fail = [&](const std::string& message) {
    unlink(o.shell_fifo.c_str());
    (void)!write(report, message.data(), message.size());
    _exit(kExitUsage);
  };
  int fifo = open(o.shell_fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0) fail(fmt::format("cannot open the fifo {}: {}", o.shell_fifo, strerror(errno)));
  // The trace first: without fantraced, no database is created for nothing.
  Result<std::unique_ptr<TraceBackend>> backend = OpenBackend(o, o.trace);
  if (!backend) fail(backend.error().message);
  Result<std::unique_ptr<Recorder>> recorder = Recorder::Open(o);
  if (!recorder) fail(recorder.error().message);
  if (Status st = (*backend)->AddRoot(o.attach_pid); !st) fail(st.error().message);
  close(report);  // nothing written: the shell is traced
  ShellRecorder(o, std::move(*recorder), std::move(*backend), fifo).Run();
  _exit(0);
}

}  // namespace

int RunShellSession(const Options& o) {
  auto fail = [](const std::string& message) {
    fmt::print(stderr, "fantrace: shell integration is off in this shell: {}\n", message);
    return kExitUsage;
  };
  if (mkfifo(o.shell_fifo.c_str(), 0600) != 0)
    return fail(fmt::format("cannot create the fifo {}: {}", o.shell_fifo, strerror(errno)));
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) return fail(fmt::format("pipe: {}", strerror(errno)));
  pid_t pid = fork();
  if (pid < 0) return fail(fmt::format("fork: {}", strerror(errno)));
  if (pid == 0) {
    close(pipefd[0]);
    // Out of the terminal's job control: Ctrl-C and hang-ups are the shell's.
    setsid();
    signal(SIGPIPE, SIG_IGN);
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
      dup2(null, STDIN_FILENO);
      dup2(null, STDOUT_FILENO);
    }
    Child(o, pipefd[1]);
  }
  close(pipefd[1]);
  std::string message;
  char buf[512];
  ssize_t n;
  while ((n = read(pipefd[0], buf, sizeof(buf))) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    message.append(buf, static_cast<size_t>(n));
  }
  close(pipefd[0]);
  if (!message.empty()) return fail(message);
  return 0;
}

}  // namespace fantrace::cli
