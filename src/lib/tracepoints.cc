#include "lib/tracepoints.h"

#include <cerrno>
#include <cstring>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "lib/kernel_env.h"

namespace fantrace {
namespace {

struct Family {
  bpf_program* (*prog)(fantrace_bpf*, bool with_filters);
  std::vector<const char*> more;      // tracepoints beyond the one in SEC()
  std::vector<const char*> optional;  // tracepoints of newer kernels: attached where they exist
  bool lookup = false;                // attached only when lookups are traced
  // Calls x86-64 keeps from before the *at forms, which arm64 (like every
  // architecture of asm-generic/unistd.h) never had: its kernels have no
  // such tracepoints, and its programs make the *at calls, attached above.
  // The numbers the handlers tell them apart by: src/bpf/syscall_nr.bpf.h.
  std::vector<const char*> legacy = {};
};

#if defined(__x86_64__)
constexpr bool kLegacyCalls = true;
#elif defined(__aarch64__)
constexpr bool kLegacyCalls = false;
#else
#error "fantrace knows the syscalls of x86-64 and arm64 only (src/lib/tracepoints.cc)"
#endif

// A handler and its twin that runs the user filter chain (FT_HANDLER).
#define PICK(name) [](fantrace_bpf* s, bool f) { return f ? s->progs.name##_f : s->progs.name; }
// A handler without a twin : its records never go through the user filters (lookups, mounts, received fds).
#define ONLY(name) [](fantrace_bpf* s, bool) { return s->progs.name; }

const std::vector<Family>& Families() {
  static const std::vector<Family> families = {
      {PICK(exit_open_family), {"sys_exit_openat2"}, {}, false, {"sys_exit_open", "sys_exit_creat"}},
      {PICK(enter_write_family),
       {"sys_enter_pwrite64", "sys_enter_writev", "sys_enter_pwritev", "sys_enter_pwritev2",
        "sys_enter_ftruncate", "sys_enter_fallocate", "sys_enter_sendfile64",
        "sys_enter_copy_file_range", "sys_enter_splice", "sys_enter_mmap"},
       {}},
      {PICK(enter_close_family), {"sys_enter_dup3"}, {}, false, {"sys_enter_dup2"}},
      {PICK(exit_name_family),
       {"sys_exit_renameat2", "sys_exit_unlinkat", "sys_exit_mkdirat", "sys_exit_linkat",
        "sys_exit_symlinkat", "sys_exit_truncate"},
       {},
       false,
       {"sys_exit_rename", "sys_exit_unlink", "sys_exit_rmdir", "sys_exit_mkdir", "sys_exit_link",
        "sys_exit_symlink"}},
      {PICK(exit_attrib_family),
       {"sys_exit_fchmod", "sys_exit_fchown", "sys_exit_fchownat", "sys_exit_utimensat",
        "sys_exit_setxattr", "sys_exit_lsetxattr", "sys_exit_fsetxattr", "sys_exit_removexattr",
        "sys_exit_lremovexattr", "sys_exit_fremovexattr", "sys_exit_mknodat"},
       {"sys_exit_fchmodat2", "sys_exit_setxattrat", "sys_exit_removexattrat"},
       false,
       {"sys_exit_chmod", "sys_exit_chown", "sys_exit_lchown", "sys_exit_utime", "sys_exit_utimes",
        "sys_exit_futimesat", "sys_exit_mknod"}},
      // stat and lstat are newstat and newlstat on x86-64
      {ONLY(exit_lookup_family),
       {"sys_exit_statx", "sys_exit_faccessat", "sys_exit_readlinkat", "sys_exit_execve",
        "sys_exit_execveat"},
       {"sys_exit_faccessat2"},
       true,
       {"sys_exit_newstat", "sys_exit_newlstat", "sys_exit_access", "sys_exit_readlink"}},
      {ONLY(enter_getdents_family), {}, {}, true, {"sys_enter_getdents"}},
      {ONLY(enter_exec_family), {"sys_enter_execveat"}, {}},
      {ONLY(exit_recv_family), {"sys_exit_recvmmsg"}, {}},
      {ONLY(exit_mount_family),
       {"sys_exit_umount", "sys_exit_move_mount", "sys_exit_pivot_root", "sys_exit_unshare",
        "sys_exit_setns"},
       {}},
  };
  return families;
}

Status Attach(bpf_program* prog, const char* tp, bool optional, std::vector<LinkPtr>& links) {
  bpf_link* link = bpf_program__attach_tracepoint(prog, "syscalls", tp);
  if (link) {
    links.emplace_back(link);
    return Ok{};
  }
  if (optional && errno == ENOENT) return Ok{};  // an older kernel without the syscall
  return MakeError(fmt::format("cannot attach to tracepoint syscalls/{}: {}", tp, strerror(errno)));
}

}  // namespace

void SelectHandlers(fantrace_bpf* skel, bool with_filters, bool lookups) {
  bpf_program* pairs[][2] = {
      {skel->progs.exit_open_family, skel->progs.exit_open_family_f},
      {skel->progs.enter_write_family, skel->progs.enter_write_family_f},
      {skel->progs.enter_close_family, skel->progs.enter_close_family_f},
      {skel->progs.exit_name_family, skel->progs.exit_name_family_f},
      {skel->progs.exit_attrib_family, skel->progs.exit_attrib_family_f},
  };
  for (auto& pair : pairs) {
    bpf_program__set_autoload(pair[0], !with_filters);
    bpf_program__set_autoload(pair[1], with_filters);
  }
  bpf_program__set_autoload(skel->progs.commit_filtered, with_filters);
  // Not loaded, so neither verified nor attached, unless asked for.
  bpf_program__set_autoload(skel->progs.exit_lookup_family, lookups);
  bpf_program__set_autoload(skel->progs.enter_getdents_family, lookups);
  SelectUringHandlers(skel, with_filters);
}

void SelectUringHandlers(fantrace_bpf* skel, bool with_filters) {
  // The submission tracepoint changed its name (uring_events.bpf.h); a
  // kernel without io_uring has neither. With user filters the submission
  // handler only counts what it cannot follow, and completions are moot.
  const bool submit_req = HasTracepoint("io_uring", "io_uring_submit_req");
  bpf_program__set_autoload(skel->progs.uring_submit_req, submit_req);
  bpf_program__set_autoload(skel->progs.uring_submit_sqe,
                            !submit_req && HasTracepoint("io_uring", "io_uring_submit_sqe"));
  bpf_program__set_autoload(skel->progs.uring_complete_req,
                            !with_filters && HasTracepoint("io_uring", "io_uring_complete"));
}

Status AttachFamilies(fantrace_bpf* skel, bool with_filters, bool lookups, std::vector<LinkPtr>& links) {
  for (const Family& family : Families()) {
    if (family.lookup && !lookups) continue;
    bpf_program* prog = family.prog(skel, with_filters);
    for (const char* tp : family.more)
      if (Status st = Attach(prog, tp, false, links); !st) return st;
    for (const char* tp : family.optional)
      if (Status st = Attach(prog, tp, true, links); !st) return st;
    if (kLegacyCalls)
      for (const char* tp : family.legacy)
        if (Status st = Attach(prog, tp, false, links); !st) return st;
  }
  return Ok{};
}

void DestroyLinksConcurrently(std::vector<bpf_link*> links) {
  std::vector<std::thread> threads;
  threads.reserve(links.size());
  for (bpf_link* link : links) {
    if (!link) continue;
    try {
      threads.emplace_back([link] { bpf_link__destroy(link); });
    } catch (const std::system_error&) {
      bpf_link__destroy(link);  // no thread to spare: here, then
    }
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace fantrace
