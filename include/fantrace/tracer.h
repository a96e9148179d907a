// Tracer: the kernel side of one trace. It loads and attaches the BPF
// programs, keeps the membership of one process tree, and reads the tree's
// events from the ring buffer. The traced processes never wait for it: the
// kernel buffers events and the reader catches up in Poll().
//
// One Tracer per trace; each has its own maps, so concurrent traces never
// see each other's events. The fantraced daemon uses one Tracer for many
// traces instead: each is a session slot (1 .. FT_SESSION_MAX-1) whose
// roots it adds with AddRoot(pid, slot), and it routes the raw records
// (PollRaw) by the slot they carry. The in-process trace is slot 0.
// Not thread-safe: call it from one thread.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fantrace/event.h"
#include "fantrace/result.h"

namespace fantrace {

// The pseudo file systems (proc, sysfs, cgroup, ...) left out by default.
std::vector<std::string> DefaultExcludedFilesystemsList();

// The lookup kinds (stat, readdir, missing: bits FT_STAT..FT_MISSING of
// src/abi/events.h). They are frequent, so they are off unless asked for
// (--probes, or named in --events), and their tracepoints are attached
// only then.
inline constexpr uint32_t kLookupEventMask = (1u << 17) | (1u << 18) | (1u << 19);
inline constexpr uint32_t kDefaultEventMask = ~kLookupEventMask;

struct TraceOptions {
  // Bit (1 << ft_type) per event kind to report (src/abi/events.h).
  uint32_t event_mask = kDefaultEventMask;
  bool merge = true;           // merge repeated identical events in the kernel
  bool regular_only = true;    // open events only for regular files
  // Ring buffer bytes (power of two). 16 MiB holds ~100,000 events: the
  // reader drains it long before it fills, and the tracer stays small.
  uint64_t buffer_size = 16ull << 20;
  std::vector<std::string> include;    // path prefixes to keep (empty: all)
  std::vector<std::string> exclude;    // path prefixes to drop
  bool only_written = false;           // drop opens without write access, unwritten closes
  // File system types whose files are not reported (matched by magic).
  std::vector<std::string> exclude_fs = DefaultExcludedFilesystemsList();
  std::vector<std::string> exclude_comm;  // command names (up to 8, 15 bytes)
  // User filter objects (--filter-bpf), chained in this order, and the
  // KEY=VALUE parameters for their const volatile globals (--filter-arg).
  std::vector<std::string> filter_bpf;
  std::vector<std::string> filter_args;
  std::string filter_cwd;  // the command's working directory, for ft_cwd
  // fantraced: event_mask, merge, regular_only, only_written, include and
  // exclude are set per session (SetSessionOptions), not once for the engine.
  bool per_session = false;
};

// What the kernel side counted; see struct ft_counters.
struct TraceCounters {
  uint64_t lost = 0;
  uint64_t merged = 0;
  uint64_t filtered = 0;
  uint64_t emitted = 0;
  uint64_t file_state_full = 0;
  uint64_t path_truncated = 0;
  uint64_t untracked_procs = 0;  // forks not followed (process map full)
  uint64_t filtered_path = 0;    // --include / --exclude (kernel side)
  uint64_t filtered_fs = 0;      // --exclude-fs
  uint64_t filtered_comm = 0;    // --exclude-comm
  uint64_t filtered_unwritten = 0;  // --only-written
  uint64_t fd_scan_cut = 0;  // fd tables past the exit scan's limit: closes may be missing
  // Per user filter (--filter-bpf), in chain order: its name, what it dropped.
  std::vector<std::pair<std::string, uint64_t>> filtered_user;
  // io_uring file operations that could not be decoded (this kernel's
  // io_uring unknown to fantrace, or user filters given): events missing.
  uint64_t uring_undecoded = 0;
  // Files closed while mapped, or close-on-exec at an exec, past a
  // process's list (16): their close may be missing.
  uint64_t pending_full = 0;
  // fds received over Unix sockets past the bound (16 per call, 4
  // messages per recvmmsg): not reported as opens.
  uint64_t scm_cut = 0;
};

using EventSink = std::function<Status(const Event&)>;
// A raw ring-buffer record (struct ft_record and its slots), valid only
// during the call.
using RawRecordSink = std::function<void(const void* data, size_t size)>;

// The session slot of the in-process trace.
constexpr uint32_t kInProcessSession = 0;

class Tracer {
 public:
  // Loads and attaches the BPF programs. Fails with a message that says
  // what to do (not root, no BTF, BPF refused, ...).
  static Result<std::unique_ptr<Tracer>> Open(const TraceOptions& options);
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  // Makes `pid` (a process id) a root of the traced tree of `session`.
  // Everything it starts from now on is traced too, in the same session.
  Status AddRoot(pid_t pid, uint32_t session = kInProcessSession);

  // Makes `pid` and the descendants it already has roots of the traced
  // tree ("attach"); returns how many processes were added. A descendant
  // for which may_trace (if given) says false is left out, with its own.
  Result<int> AddTree(pid_t pid, uint32_t session = kInProcessSession,
                      const std::function<bool(pid_t)>& may_trace = {});

  // Waits up to timeout_ms for events and hands each one, decoded, to sink;
  // a growth of the kernel's lost counter is handed over as a kLost event.
  // Stops early and returns the sink's error if it fails.
  Status Poll(int timeout_ms, const EventSink& sink);

  // Reads everything still buffered (after the tree has ended).
  Status Drain(const EventSink& sink);

  // True once a root was added and every traced process has exited.
  bool TreeEnded() const;

  TraceCounters Counters() const;

  // ---- many sessions in one engine (fantraced) ----
  // The processes of a session still running.
  int64_t LiveProcs(uint32_t session) const;
  TraceCounters Counters(uint32_t session) const;
  // Waits up to timeout_ms (0: not at all) and hands every buffered record,
  // undecoded, to sink.
  Status PollRaw(int timeout_ms, const RawRecordSink& sink);
  // A descriptor that becomes readable when the ring buffer wakes its reader.
  int ring_fd() const;
  // Takes every process of the session out of the tree (its client went
  // away); returns how many. A fork racing with it may add one more: call
  // again until LiveProcs(session) is 0.
  int RemoveSession(uint32_t session);
  // Zeroes a free slot's counters before it serves a new session.
  void ResetSession(uint32_t session);
  // Sets a session's event_mask, merge, regular_only, only_written and
  // include/exclude prefixes (with TraceOptions::per_session), before its
  // first root is added. Fails on prefixes Open would refuse.
  Status SetSessionOptions(uint32_t session, const TraceOptions& options);

  // Ends the trace without making the caller wait for the kernel: removing
  // a syscall tracepoint waits for RCU grace periods (seconds for all of
  // them), so a detached child process, holding no file of the caller but
  // the BPF ones, removes them while the caller goes on. The programs see
  // no traced process any more, so they report nothing meanwhile. The
  // Tracer is unusable afterwards.
  void ReleaseInBackground();

  // Number of records that could not be decoded (an ABI mismatch or a bug);
  // reported in the summary, never dropped silently.
  uint64_t undecodable() const;

  class Impl;

 private:
  explicit Tracer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The event-kind names accepted by --events, in ABI order, and the mask
// for a comma-separated list of them.
const std::vector<std::string>& EventKindNames();
Result<uint32_t> EventMaskFromList(const std::string& list);

}  // namespace fantrace
