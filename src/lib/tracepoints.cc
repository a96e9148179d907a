#include "lib/tracepoints.h"

#include <cerrno>
#include <cstring>
#include <system_error>
#include <thread>

#include <fmt/format.h>

namespace fantrace {
namespace {

struct Family {
  bpf_program* (*prog)(fantrace_bpf*, bool with_filters);
  std::vector<const char*> more;  // tracepoints beyond the one in SEC()
};

// A handler and its twin that runs the user filter chain (FT_HANDLER).
#define PICK(name) [](fantrace_bpf* s, bool f) { return f ? s->progs.name##_f : s->progs.name; }
// A handler without a twin: its records never go through the user filters.
#define PLAIN(name) [](fantrace_bpf* s, bool) { return s->progs.name; }

const std::vector<Family>& Families() {
  static const std::vector<Family> families = {
      {PICK(exit_open_family), {"sys_exit_open", "sys_exit_creat", "sys_exit_openat2"}},
      {PICK(enter_write_family),
       {"sys_enter_pwrite64", "sys_enter_writev", "sys_enter_pwritev", "sys_enter_pwritev2",
        "sys_enter_ftruncate", "sys_enter_fallocate", "sys_enter_sendfile64",
        "sys_enter_copy_file_range", "sys_enter_splice", "sys_enter_mmap"}},
      {PICK(enter_close_family), {"sys_enter_dup2", "sys_enter_dup3"}},
      {PICK(exit_name_family),
       {"sys_exit_renameat", "sys_exit_renameat2", "sys_exit_unlink", "sys_exit_unlinkat",
        "sys_exit_rmdir", "sys_exit_mkdir", "sys_exit_mkdirat", "sys_exit_link", "sys_exit_linkat",
        "sys_exit_symlink", "sys_exit_symlinkat", "sys_exit_truncate"}},
      {PLAIN(enter_exec_family), {"sys_enter_execveat"}},
      {PLAIN(exit_recv_family), {"sys_exit_recvmmsg"}},
      {PLAIN(exit_mount_family),
       {"sys_exit_umount", "sys_exit_move_mount", "sys_exit_pivot_root", "sys_exit_unshare",
        "sys_exit_setns"}},
  };
  return families;
}

}  // namespace

void SelectHandlers(fantrace_bpf* skel, bool with_filters) {
  bpf_program* pairs[][2] = {
      {skel->progs.exit_open_family, skel->progs.exit_open_family_f},
      {skel->progs.enter_write_family, skel->progs.enter_write_family_f},
      {skel->progs.enter_close_family, skel->progs.enter_close_family_f},
      {skel->progs.exit_name_family, skel->progs.exit_name_family_f},
  };
  for (auto& pair : pairs) {
    bpf_program__set_autoload(pair[0], !with_filters);
    bpf_program__set_autoload(pair[1], with_filters);
  }
  bpf_program__set_autoload(skel->progs.commit_filtered, with_filters);
}

Status AttachFamilies(fantrace_bpf* skel, bool with_filters, std::vector<LinkPtr>& links) {
  for (const Family& family : Families()) {
    bpf_program* prog = family.prog(skel, with_filters);
    for (const char* tp : family.more) {
      bpf_link* link = bpf_program__attach_tracepoint(prog, "syscalls", tp);
      if (!link)
        return MakeError(fmt::format("cannot attach to tracepoint syscalls/{}: {}", tp, strerror(errno)));
      links.emplace_back(link);
    }
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
