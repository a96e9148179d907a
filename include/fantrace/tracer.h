// Tracer: the kernel side of one trace. It loads and attaches the BPF
// programs, keeps the membership of one process tree, and reads the tree's
// events from the ring buffer. The traced processes never wait for it: the
// kernel buffers events and the reader catches up in Poll().
//
// One Tracer per trace; each has its own maps, so concurrent traces never
// see each other's events. Not thread-safe: call it from one thread.
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

struct TraceOptions {
  // Bit (1 << ft_type) per event kind to report (src/abi/events.h).
  uint32_t event_mask = 0xffffffffu;
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
  uint64_t pending_full = 0;     // syscalls not followed (counted in lost too)
  uint64_t filtered_path = 0;    // --include / --exclude (kernel side)
  uint64_t filtered_fs = 0;      // --exclude-fs
  uint64_t filtered_comm = 0;    // --exclude-comm
  uint64_t filtered_unwritten = 0;  // --only-written
};

using EventSink = std::function<Status(const Event&)>;

class Tracer {
 public:
  // Loads and attaches the BPF programs. Fails with a message that says
  // what to do (not root, no BTF, BPF refused, ...).
  static Result<std::unique_ptr<Tracer>> Open(const TraceOptions& options);
  ~Tracer();
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  // Makes `pid` (a process id) a root of the traced tree. Everything it
  // starts from now on is traced too.
  Status AddRoot(pid_t pid);

  // For a root that was already running when added (attach): if it has
  // exited and the kernel side never saw that exit (it exited before
  // AddRoot made it visible), takes it out of the tree so that the tree
  // can end. Returns true when it did. Safe to call repeatedly: the
  // removal races the kernel's exit handler through one map entry.
  bool ForgetExitedRoot(pid_t pid);

  // Waits up to timeout_ms for events and hands each one, decoded, to sink;
  // a growth of the kernel's lost counter is handed over as a kLost event.
  // Stops early and returns the sink's error if it fails.
  Status Poll(int timeout_ms, const EventSink& sink);

  // Reads everything still buffered (after the tree has ended).
  Status Drain(const EventSink& sink);

  // True once a root was added and every traced process has exited.
  bool TreeEnded() const;

  TraceCounters Counters() const;

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
