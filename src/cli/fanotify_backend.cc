#include "cli/fanotify_backend.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <climits>
#include <ctime>
#include <optional>

#include <fmt/format.h>

#include "lib/elf_interp.h"
#include "lib/fan_handles.h"
#include "lib/fan_trace.h"
#include "lib/fanotify_mapper.h"
#include "lib/fanotify_records.h"
#include "lib/fs_magic.h"
#include "lib/path_filter.h"

namespace fantrace::cli {
namespace {

// Everything a trace can report but FAN_ATTRIB (the eBPF engine's attrib
// events need --events attrib; not mapped yet) and the self events.
constexpr uint64_t kTraceMask = FAN_OPEN | FAN_OPEN_EXEC | FAN_ACCESS | FAN_MODIFY | FAN_CLOSE | FAN_CREATE |
                                FAN_DELETE | FAN_RENAME | FAN_ONDIR;
constexpr size_t kReadBuffer = 256 * 1024;

uint64_t WallNs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

// The --events bit of an event type (its ft_type's, by name).
uint32_t KindBit(EventType type) {
  Result<uint32_t> bit = EventMaskFromList(EventTypeName(type));
  return bit ? *bit : 0;
}

// The interpreter an exec of `path` will open, by its canonical path (the
// kernel opens it by the name PT_INTERP gives, fanotify reports where it is).
std::string CanonicalInterpreter(const std::string& path) {
  std::optional<std::string> interp = ElfInterpreter(path);
  if (!interp) return "";
  char real[PATH_MAX];
  return realpath(interp->c_str(), real) ? std::string(real) : *interp;
}

bool IsRegularOrGone(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return true;  // removed since: it was opened as a file
  return S_ISREG(st.st_mode);
}

class FanotifyBackend : public TraceBackend {
 public:
  FanotifyBackend(int fd, const TraceOptions& trace, std::vector<uint64_t> excluded)
      : fd_(fd), trace_(trace), resolver_(std::move(excluded)), mapper_(CanonicalInterpreter) {}
  ~FanotifyBackend() override { Release(); }

  Status AddRoot(pid_t pid) override {
    int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    if (pidfd < 0) return MakeError(fmt::format("pidfd_open({}) failed: {}", pid, strerror(errno)));
    int rc = fanotify_mark(fd_, FAN_MARK_ADD, kTraceMask, pidfd, nullptr);
    int err = errno;
    close(pidfd);
    if (rc != 0)
      return MakeError(fmt::format("fanotify_mark(FAN_TRACE) of process {} failed: {}{}", pid, strerror(err),
                                   err == EBUSY ? " (another tracer traces it)" : ""));
    return Ok{};
  }
  Result<int> AddTree(pid_t) override {
    // FAN_TRACE follows the children a task creates from now on, not those
    // it has: attach would miss them silently.
    return MakeError("attach is not available with --backend fanotify: FAN_TRACE follows only the "
                     "processes a traced task starts after the mark; use --backend ebpf");
  }
  Status Poll(int timeout_ms, const EventSink& sink) override {
    if (ended_ || fd_ < 0) return Ok{};
    struct pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) < 0 && errno != EINTR)
      return MakeError(fmt::format("poll on the fanotify group failed: {}", strerror(errno)));
    return ReadAvailable(sink);
  }
  Status Drain(const EventSink& sink) override { return ReadAvailable(sink); }
  bool TreeEnded() const override { return ended_; }
  TraceCounters Counters() const override {
    TraceCounters c;
    c.lost = mapper_.lost();
    c.emitted = emitted_;
    c.filtered = filtered_kind_ + filtered_path_ + filtered_fs_;
    c.filtered_path = filtered_path_;
    c.filtered_fs = filtered_fs_;
    return c;
  }
  uint64_t undecodable() const override { return malformed_ + resolver_.unresolved(); }
  void Release() override {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }
  std::vector<std::string> Limitations() const override {
    return {"--backend fanotify reports no fork and exit events (so no process count and no exit "
            "statuses of children), no exec argv, no truncation flag, and an open's access mode from "
            "how the file was closed; see docs/compatibility.md"};
  }

 private:
  Status ReadAvailable(const EventSink& sink) {
    std::vector<char> buf(kReadBuffer);
    while (!ended_ && fd_ >= 0) {
      ssize_t n = read(fd_, buf.data(), buf.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN) return Ok{};
        return MakeError(fmt::format("reading the fanotify group failed: {}", strerror(errno)));
      }
      std::vector<Event> out;
      if (n == 0) {  // every traced task has exited
        ended_ = true;
        mapper_.Flush(WallNs(), out);
      } else {
        Decode(buf.data(), static_cast<size_t>(n), out);
      }
      if (Status st = Deliver(out, sink); !st) return st;
    }
    return Ok{};
  }

  void Decode(const char* data, size_t size, std::vector<Event>& out) {
    FanParseResult parsed = ParseFanotifyBuffer(data, size);
    malformed_ += parsed.malformed;
    const uint64_t now = WallNs();
    for (const FanRecord& rec : parsed.records) {
      if (rec.mask & FAN_Q_OVERFLOW) {
        mapper_.Overflow(now, out);
        continue;
      }
      if (!rec.dir.present) {
        ++malformed_;
        continue;
      }
      if (resolver_.Excluded(rec.dir)) {
        ++filtered_fs_;
        continue;
      }
      std::optional<std::string> path = resolver_.Path(rec.dir);
      if (!path) continue;  // counted by the resolver
      FanEvent e{rec.mask, static_cast<uint32_t>(rec.pid), *path, "", true, now};
      if (rec.old_dir.present) {
        std::optional<std::string> from = resolver_.Path(rec.old_dir);
        if (!from) continue;
        e.from = *from;
      }
      if (rec.mask & (FAN_OPEN | FAN_OPEN_EXEC | FAN_ACCESS | FAN_MODIFY | FAN_CLOSE))
        e.regular = IsRegularOrGone(e.path);
      mapper_.Map(e, out);
    }
  }

  bool Keep(const Event& e) {
    if (e.type != EventType::kLost && !(trace_.event_mask & KindBit(e.type))) {
      ++filtered_kind_;
      return false;
    }
    if (e.type == EventType::kLost) return true;
    auto listed = [&](const std::vector<std::string>& prefixes, const std::string& p) {
      for (const std::string& prefix : prefixes)
        if (PathUnderPrefix(p, prefix)) return true;
      return false;
    };
    auto kept = [&](const std::string& p) {
      return (trace_.include.empty() || listed(trace_.include, p)) && !listed(trace_.exclude, p);
    };
    if (!kept(e.path) && (e.from.empty() || !kept(e.from))) {
      ++filtered_path_;
      return false;
    }
    if (trace_.only_written && ((e.type == EventType::kOpen && e.access == Access::kRead) ||
                                (e.type == EventType::kClose && !e.written))) {
      ++filtered_kind_;
      return false;
    }
    return true;
  }

  Status Deliver(const std::vector<Event>& events, const EventSink& sink) {
    for (const Event& e : events) {
      if (!Keep(e)) continue;
      ++emitted_;
      if (Status st = sink(e); !st) return st;
    }
    return Ok{};
  }

  int fd_;
  TraceOptions trace_;
  FanHandleResolver resolver_;
  FanotifyMapper mapper_;
  bool ended_ = false;
  uint64_t emitted_ = 0;
  uint64_t malformed_ = 0;
  uint64_t filtered_kind_ = 0;
  uint64_t filtered_path_ = 0;
  uint64_t filtered_fs_ = 0;
};

// Options that need the eBPF engine.
Status CheckFanotifyOptions(const Options& o) {
  const TraceOptions& t = o.trace;
  const char* option = nullptr;
  if (!t.exclude_comm.empty()) option = "--exclude-comm";
  else if (!t.filter_bpf.empty()) option = "--filter-bpf";
  else if (t.event_mask & kLookupEventMask) option = "--probes (or a lookup kind in --events)";
  else if (!t.regular_only) option = "--all-files";
  else if (o.mode == Mode::kAttach) option = "attach";
  if (!option) return Ok{};
  return MakeError(fmt::format("{} is not available with --backend fanotify: use --backend ebpf", option));
}

}  // namespace

Result<std::unique_ptr<TraceBackend>> OpenFanotifyBackend(const Options& options, const TraceOptions& trace) {
  if (Status st = CheckFanotifyOptions(options); !st) return st.error();
  std::vector<uint64_t> excluded;
  for (const std::string& name : trace.exclude_fs) {
    Result<uint64_t> magic = FilesystemMagic(name);
    if (magic) excluded.push_back(*magic);
  }
  // An unlimited queue (root only) charges events to our memory cgroup
  // instead of dropping them at /proc/sys/fs/fanotify/max_queued_events.
  int fd = fanotify_init(kFanTrace | FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_REPORT_DFID_NAME |
                             FAN_UNLIMITED_QUEUE,
                         O_RDONLY | O_LARGEFILE);
  if (fd < 0) {
    if (errno == EINVAL)
      return MakeError("--backend fanotify needs a kernel with fanotify's tracing mode, FAN_TRACE "
                       "(the kernel/ patch series); this kernel refuses it: use --backend ebpf");
    return MakeError(fmt::format("fanotify_init(FAN_TRACE) failed: {}", strerror(errno)));
  }
  return std::unique_ptr<TraceBackend>(new FanotifyBackend(fd, trace, std::move(excluded)));
}

}  // namespace fantrace::cli
