#include "fantrace/tracer.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "abi/events.h"
#include "lib/bpf_handles.h"
#include "lib/bpf_objects.h"
#include "lib/decoder.h"
#include "lib/fs_magic.h"
#include "lib/kernel_env.h"
#include "lib/kernel_features.h"
#include "lib/path_filter.h"
#include "lib/proc_children.h"
#include "lib/record_reader.h"
#include "lib/tracepoints.h"
#include "lib/user_filters.h"

namespace fantrace {
namespace {

constexpr size_t kPrefixMax = 16;     // FT_PREFIX_MAX in common.bpf.h
constexpr size_t kPrefixLen = 256;    // FT_PREFIX_LEN
constexpr uint64_t kMinBuffer = 64 * 1024;
// Wake the reader when a quarter of the buffer is filled: early enough to
// drain it in time, rare enough to keep wakeups off the traced tasks.
constexpr uint64_t kWakeupDivisor = 4;

struct PrefixEntry {  // struct ft_prefix
  uint32_t len;
  char bytes[kPrefixLen];
};

bool IsPowerOfTwo(uint64_t v) { return v && !(v & (v - 1)); }

// The last lines of libbpf's log, where the verifier states its reason.
std::string LogTail(const std::string& log, size_t lines) {
  size_t pos = log.size();
  while (lines-- > 0 && pos > 0) {
    pos = log.rfind('\n', pos - 2 < log.size() ? pos - 2 : 0);
    if (pos == std::string::npos) { pos = 0; break; }
  }
  return log.substr(pos == 0 ? 0 : pos + 1);
}

Error LoadError(const char* step, int err) {
  std::string log = TakeLibbpfLog();
  std::string what = fmt::format("cannot {} the BPF programs: {}", step, strerror(-err));
  if (err == -EPERM || err == -EACCES)
    what += " (the kernel refused BPF: run as root, and check kernel lockdown "
            "and kernel.unprivileged_bpf_disabled)";
  if (!log.empty()) what += "\nlibbpf said:\n" + LogTail(log, 20);
  return MakeError(what);
}

// In the teardown child: keep only the BPF objects (anon inodes) and the
// pipe from the parent, so that no output file or terminal is held open.
void CloseAllButBpf(int keep) {
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd >= 0) {
    for (int fd = 0; fd <= 2; ++fd) dup2(null_fd, fd);
    close(null_fd);
  }
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return;
  std::vector<int> to_close;
  while (dirent* entry = readdir(dir)) {
    int fd = atoi(entry->d_name);
    if (entry->d_name[0] == '.' || fd <= 2 || fd == keep || fd == dirfd(dir)) continue;
    char target[256] = {};
    std::string link = fmt::format("/proc/self/fd/{}", fd);
    if (readlink(link.c_str(), target, sizeof(target) - 1) > 0 &&
        strncmp(target, "anon_inode:", 11) == 0)
      continue;
    to_close.push_back(fd);
  }
  closedir(dir);
  for (int fd : to_close) close(fd);
}

std::string NormalizePrefix(std::string prefix) {
  while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
  return prefix;
}

Status CheckPrefixes(const TraceOptions& options) {
  if (options.include.size() > kPrefixMax || options.exclude.size() > kPrefixMax)
    return MakeError(fmt::format("at most {} --include and {} --exclude prefixes", kPrefixMax, kPrefixMax));
  for (const auto* list : {&options.include, &options.exclude})
    for (const std::string& p : *list)
      if (p.empty() || p[0] != '/' || p.size() >= kPrefixLen)
        return MakeError(fmt::format(
            "path prefix '{}' must be absolute and shorter than {} bytes", p, kPrefixLen));
  return Ok{};
}

// Stores list at entries [first, first + list.size()) of the prefixes map.
Status PutPrefixes(int prefix_fd, const std::vector<std::string>& list, uint32_t first) {
  for (size_t i = 0; i < list.size(); ++i) {
    PrefixEntry entry{};
    std::string p = NormalizePrefix(list[i]);
    entry.len = p.size();
    memcpy(entry.bytes, p.data(), p.size());
    uint32_t key = first + i;
    if (bpf_map_update_elem(prefix_fd, &key, &entry, BPF_ANY) != 0)
      return MakeError(fmt::format("cannot store path prefix '{}': {}", p, strerror(errno)));
  }
  return Ok{};
}

}  // namespace

class Tracer::Impl {
 public:
  ~Impl() {
    std::vector<bpf_link*> links;
    for (LinkPtr& link : family_links) links.push_back(link.release());
    DestroyLinksConcurrently(std::move(links));
  }

  SkeletonPtr skel;
  UserFilters filters;  // their programs stay loaded while the chain holds them
  bool with_filters = false;
  bool lookups = false;  // the lookup programs are loaded and attached
  std::vector<LinkPtr> family_links;  // destroyed before the skeleton
  RingBufferPtr ring;
  bool has_root = false;
  uint64_t lost_reported = 0;
  std::optional<RecordReader> reader;
  const EventSink* sink = nullptr;  // valid during Poll/Drain
  const RawRecordSink* raw_sink = nullptr;  // valid during PollRaw
  Status sink_status = Ok{};

  // After every change to the procs map: retires the membership answers
  // the BPF side keeps per CPU (proc_tree.bpf.h, tgid_traced).
  void MembershipChanged() { __atomic_fetch_add(&skel->bss->membership_generation, 1, __ATOMIC_SEQ_CST); }

  static int OnRecord(void* ctx, void* data, size_t size) {
    auto* self = static_cast<Impl*>(ctx);
    if (self->raw_sink) {
      (*self->raw_sink)(data, size);
      return 0;
    }
    Status st = self->reader->Handle(data, size, *self->sink);
    if (!st) {
      self->sink_status = st;
      return -1;  // stops ring_buffer__poll
    }
    return 0;
  }

  Status ReportLost() {
    uint64_t lost = __atomic_load_n(&skel->bss->counters[kInProcessSession].lost, __ATOMIC_RELAXED);
    if (lost == lost_reported) return Ok{};
    Event event = LostEvent(lost - lost_reported);
    lost_reported = lost;
    return (*sink)(event);
  }

  Status Read(int timeout_ms, const EventSink& s, bool drain) {
    sink = &s;
    raw_sink = nullptr;
    sink_status = Ok{};
    // Records are sent without wakeups, so poll() returns at the timeout
    // with nothing signalled: consume what is there either way.
    int n = drain ? 0 : ring_buffer__poll(ring.get(), timeout_ms);
    if (sink_status && (n >= 0 || n == -EINTR)) n = ring_buffer__consume(ring.get());
    if (!sink_status) return sink_status;
    if (n < 0 && n != -EINTR)
      return MakeError(fmt::format("reading the event buffer failed: {}", strerror(-n)));
    return ReportLost();
  }
};

Result<std::unique_ptr<Tracer>> Tracer::Open(const TraceOptions& options) {
  if (Status st = CheckPrivileges(); !st) return st.error();
  if (Status st = CheckBtf(); !st) return st.error();
  if (Status st = EnsureTracefs(); !st) return st.error();
  if (options.buffer_size < kMinBuffer || !IsPowerOfTwo(options.buffer_size))
    return MakeError(fmt::format(
        "--buffer-size {} is not a power of two of at least {} bytes",
        options.buffer_size, kMinBuffer));
  if (Status st = CheckPrefixes(options); !st) return st.error();

  CaptureLibbpfLog();
  auto impl = std::make_unique<Impl>();
  if (!options.filter_bpf.empty()) {
    std::vector<FilterParam> params;
    for (const std::string& arg : options.filter_args) {
      Result<FilterParam> p = ParseFilterParam(arg);
      if (!p) return p.error();
      params.push_back(*p);
    }
    Result<UserFilters> filters = UserFilters::Open(options.filter_bpf, params, options.filter_cwd);
    if (!filters) return filters.error();
    impl->filters = std::move(*filters);
    impl->with_filters = true;
  } else if (!options.filter_args.empty()) {
    return MakeError("--filter-arg without --filter-bpf: there is no filter to give it to");
  }
  Result<BpfPath> path = SelectBpfPath();
  if (!path) return path.error();
  impl->skel.reset(OpenBpfObject(*path));
  if (!impl->skel) return LoadError("open", -errno);
  fantrace_bpf* skel = impl->skel.get();

  skel->rodata->cfg_event_mask = options.event_mask;
  skel->rodata->cfg_merge = options.merge;
  skel->rodata->cfg_regular_only = options.regular_only;
  skel->rodata->cfg_wakeup_bytes = options.buffer_size / kWakeupDivisor;
  skel->rodata->cfg_n_include = options.include.size();
  skel->rodata->cfg_n_exclude = options.exclude.size();
  skel->rodata->cfg_only_written = options.only_written;
  skel->rodata->cfg_per_session = options.per_session;
  skel->rodata->cfg_user_filters = impl->with_filters;
  // Lookups are loaded and attached only when asked for: by the trace, or
  // for fantraced's sessions by `fantraced --probes` (each session then
  // asks for them or not in its own event mask).
  impl->lookups = (options.event_mask & kLookupEventMask) != 0;
  skel->rodata->cfg_lookups = impl->lookups;
  // Files on mounts of other namespaces (a tree's own) carry their path
  // from their file system's root, so the summary can find them here.
  struct stat mnt_ns {};
  if (stat("/proc/self/ns/mnt", &mnt_ns) == 0) skel->rodata->cfg_mnt_ns = mnt_ns.st_ino;
  SelectHandlers(skel, impl->with_filters, impl->lookups);
  if (options.exclude_fs.size() > FT_FS_MAGIC_MAX)
    return MakeError(fmt::format("at most {} file system types in --exclude-fs", FT_FS_MAGIC_MAX));
  for (size_t i = 0; i < options.exclude_fs.size(); ++i) {
    Result<uint64_t> magic = FilesystemMagic(options.exclude_fs[i]);
    if (!magic) return magic.error();
    skel->rodata->cfg_fs_magic[i] = *magic;
  }
  skel->rodata->cfg_n_fs_magic = options.exclude_fs.size();
  if (options.exclude_comm.size() > FT_COMM_MAX)
    return MakeError(fmt::format("at most {} --exclude-comm names", FT_COMM_MAX));
  for (size_t i = 0; i < options.exclude_comm.size(); ++i) {
    const std::string& comm = options.exclude_comm[i];
    if (comm.empty() || comm.size() >= FT_COMM_LEN)
      return MakeError(fmt::format("--exclude-comm '{}': a command name has 1 to {} bytes (the kernel keeps "
                                   "no more of it)", comm, FT_COMM_LEN - 1));
    memcpy(const_cast<char*>(skel->rodata->cfg_comm[i]), comm.data(), comm.size());
  }
  skel->rodata->cfg_n_comm = options.exclude_comm.size();
  if (int err = bpf_map__set_max_entries(skel->maps.events, options.buffer_size); err)
    return LoadError("size", err);
  // the merge cache has a block of slots per CPU (emit.bpf.h)
  int cpus = libbpf_num_possible_cpus();
  if (cpus > 0)
    if (int err = bpf_map__set_max_entries(skel->maps.merge_cache, cpus * FT_MERGE_CACHE); err)
      return LoadError("size", err);
  if (options.per_session)  // a block of prefixes per session slot
    if (int err = bpf_map__set_max_entries(skel->maps.prefixes, FT_SESSION_MAX * 2 * kPrefixMax); err)
      return LoadError("size", err);

  if (int err = fantrace_bpf__load(skel); err) {
    Error load_error = LoadError("load", err);
    // Probed only now, so that a kernel that loads the programs pays
    // nothing for it: on an older kernel the one line naming the missing
    // features says more than the verifier's log.
    if (Status st = CheckKernelFeatures(ProbeKernelFeatures()); !st) {
      TakeLibbpfLog();
      return st.error();
    }
    return load_error;
  }
  if (impl->with_filters) {
    if (Status st = impl->filters.Load(skel); !st) return st.error();
  }

  int prefix_fd = bpf_map__fd(skel->maps.prefixes);
  if (Status st = PutPrefixes(prefix_fd, options.include, 0); !st) return st.error();
  if (Status st = PutPrefixes(prefix_fd, options.exclude, kPrefixMax); !st) return st.error();

  if (int err = fantrace_bpf__attach(skel); err) return LoadError("attach", err);
  if (Status st = AttachFamilies(skel, impl->with_filters, impl->lookups, impl->family_links); !st) return st.error();

  impl->ring.reset(ring_buffer__new(bpf_map__fd(skel->maps.events), &Impl::OnRecord, impl.get(), nullptr));
  if (!impl->ring) return LoadError("read", -errno);
  impl->reader.emplace(CurrentTimeBase(), PathFilter(options.include, options.exclude));
  TakeLibbpfLog();
  return std::unique_ptr<Tracer>(new Tracer(std::move(impl)));
}

Tracer::Tracer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Tracer::~Tracer() = default;

Status Tracer::AddRoot(pid_t pid, uint32_t session) {
  if (session >= FT_SESSION_MAX) return MakeError(fmt::format("no session slot {}", session));
  __s64* live = &impl_->skel->bss->live_procs[session];
  // Counted before the process becomes visible to the BPF side, so an
  // early exit can never take the count below zero.
  __atomic_fetch_add(live, 1, __ATOMIC_SEQ_CST);
  struct {  // struct ft_proc
    uint64_t start_time;
    uint32_t session;
    uint32_t pad;
  } info{0, session, 0};
  uint32_t key = pid;
  const int procs = bpf_map__fd(impl_->skel->maps.procs);
  if (bpf_map_update_elem(procs, &key, &info, BPF_NOEXIST) != 0) {
    __atomic_fetch_sub(live, 1, __ATOMIC_SEQ_CST);
    return MakeError(fmt::format("cannot add process {} to the trace: {}", pid, strerror(errno)));
  }
  impl_->MembershipChanged();
  // A process whose exit came before it was in the map would hold the
  // count up forever. Checked after the insertion: if it has exited, either
  // its exit handler took it out (and the delete below fails) or nobody
  // will, and the delete does.
  if (!ProcessRunning(pid)) {
    if (bpf_map_delete_elem(procs, &key) == 0) {
      impl_->MembershipChanged();
      __atomic_fetch_sub(live, 1, __ATOMIC_SEQ_CST);
    }
    return MakeError(fmt::format("process {} exited before it could be traced", pid));
  }
  impl_->has_root = true;
  return Ok{};
}

Result<int> Tracer::AddTree(pid_t pid, uint32_t session, const std::function<bool(pid_t)>& may_trace) {
  if (Status st = AddRoot(pid, session); !st) return st.error();
  // Top-down: a process is in the tree before its children are listed, so
  // a child it forks meanwhile is added by the fork handler, and one that
  // existed already is in the list. A descendant that exits before it is
  // reached had nothing left to trace.
  int added = 1;
  std::vector<pid_t> pending = ChildrenOf(pid);
  while (!pending.empty()) {
    pid_t child = pending.back();
    pending.pop_back();
    if (may_trace && !may_trace(child)) continue;  // and not its descendants
    if (!AddRoot(child, session)) continue;  // exited, or added already by a fork
    ++added;
    for (pid_t grandchild : ChildrenOf(child)) pending.push_back(grandchild);
  }
  return added;
}

Status Tracer::Poll(int timeout_ms, const EventSink& sink) { return impl_->Read(timeout_ms, sink, false); }

Status Tracer::Drain(const EventSink& sink) { return impl_->Read(0, sink, true); }

bool Tracer::TreeEnded() const { return impl_->has_root && LiveProcs(kInProcessSession) <= 0; }

int64_t Tracer::LiveProcs(uint32_t session) const {
  return __atomic_load_n(&impl_->skel->bss->live_procs[session % FT_SESSION_MAX], __ATOMIC_SEQ_CST);
}

Status Tracer::PollRaw(int timeout_ms, const RawRecordSink& sink) {
  impl_->raw_sink = &sink;
  int n = timeout_ms > 0 ? ring_buffer__poll(impl_->ring.get(), timeout_ms) : 0;
  if (n >= 0 || n == -EINTR) n = ring_buffer__consume(impl_->ring.get());
  impl_->raw_sink = nullptr;
  if (n < 0 && n != -EINTR)
    return MakeError(fmt::format("reading the event buffer failed: {}", strerror(-n)));
  return Ok{};
}

int Tracer::ring_fd() const { return ring_buffer__epoll_fd(impl_->ring.get()); }

int Tracer::RemoveSession(uint32_t session) {
  const int procs = bpf_map__fd(impl_->skel->maps.procs);
  struct {
    uint64_t start_time;
    uint32_t session;
    uint32_t pad;
  } info{};
  std::vector<uint32_t> members;
  uint32_t key = 0, next = 0;
  for (uint32_t* prev = nullptr; bpf_map_get_next_key(procs, prev, &next) == 0; prev = &key) {
    key = next;
    if (bpf_map_lookup_elem(procs, &key, &info) == 0 && info.session == session) members.push_back(key);
  }
  int removed = 0;
  for (uint32_t tgid : members) {
    // only the one that deletes the entry (this, or the exit handler) counts it down
    if (bpf_map_delete_elem(procs, &tgid) == 0) {
      impl_->MembershipChanged();
      __atomic_fetch_sub(&impl_->skel->bss->live_procs[session], 1, __ATOMIC_SEQ_CST);
      ++removed;
    }
  }
  return removed;
}

void Tracer::ResetSession(uint32_t session) {
  if (session >= FT_SESSION_MAX) return;
  memset(&impl_->skel->bss->counters[session], 0, sizeof(ft_counters));
  __atomic_store_n(&impl_->skel->bss->live_procs[session], 0, __ATOMIC_SEQ_CST);
}

Status Tracer::SetSessionOptions(uint32_t session, const TraceOptions& options) {
  if (session >= FT_SESSION_MAX) return MakeError(fmt::format("no session slot {}", session));
  if (Status st = CheckPrefixes(options); !st) return st;
  if ((options.event_mask & kLookupEventMask) && !impl_->lookups)
    return MakeError("lookups (--probes, or stat, readdir, missing in --events) are not available "
                     "through this fantraced: it was started without --probes (restart it as "
                     "`fantraced --probes`), or run fantrace as root without --daemon");
  int prefix_fd = bpf_map__fd(impl_->skel->maps.prefixes);
  uint32_t base = session * 2 * kPrefixMax;
  if (Status st = PutPrefixes(prefix_fd, options.include, base); !st) return st;
  if (Status st = PutPrefixes(prefix_fd, options.exclude, base + kPrefixMax); !st) return st;
  ft_session_cfg cfg{};
  cfg.event_mask = options.event_mask;
  cfg.merge = options.merge;
  cfg.regular_only = options.regular_only;
  cfg.only_written = options.only_written;
  cfg.n_include = options.include.size();
  cfg.n_exclude = options.exclude.size();
  impl_->skel->bss->session_cfg[session] = cfg;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);  // visible before the session's first root
  return Ok{};
}

TraceCounters Tracer::Counters() const { return Counters(kInProcessSession); }

TraceCounters Tracer::Counters(uint32_t session) const {
  const ft_counters& c = impl_->skel->bss->counters[session % FT_SESSION_MAX];
  auto load = [](const __u64& v) { return __atomic_load_n(&v, __ATOMIC_RELAXED); };
  TraceCounters counters{load(c.lost), load(c.merged), load(c.filtered),
                         load(c.emitted), load(c.file_state_full), load(c.path_truncated),
                         load(c.untracked_procs),
                         load(c.filtered_path) + impl_->reader->name_events_filtered(),
                         load(c.filtered_fs), load(c.filtered_comm), load(c.filtered_unwritten), load(c.fd_scan_cut), {},
                         load(c.uring_undecoded), load(c.pending_full), load(c.scm_cut)};
  const std::vector<std::string>& names = impl_->filters.names();
  for (size_t i = 0; i < names.size() && i < FT_FILTER_MAX; ++i)
    counters.filtered_user.emplace_back(names[i], load(c.filtered_user[i]));
  return counters;
}

uint64_t Tracer::undecodable() const { return impl_->reader->undecodable(); }

std::vector<std::string> DefaultExcludedFilesystemsList() { return DefaultExcludedFilesystems(); }

void Tracer::ReleaseInBackground() {
  int go[2];
  if (pipe(go) != 0) {
    impl_.reset();
    return;
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(go[0]);
    close(go[1]);
    impl_.reset();
    return;
  }
  if (pid == 0) {
    close(go[1]);
    setsid();
    CloseAllButBpf(go[0]);
    // Wait until the parent has dropped its references, so that the slow
    // last close of every tracepoint happens here, not there.
    char byte;
    while (read(go[0], &byte, 1) < 0 && errno == EINTR) {
    }
    impl_.reset();
    _exit(0);
  }
  close(go[0]);
  impl_.reset();
  close(go[1]);
}

}  // namespace fantrace
