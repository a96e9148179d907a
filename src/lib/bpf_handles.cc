#include "lib/bpf_handles.h"

#include <thread>
#include <vector>

namespace fantrace {

void DetachConcurrently(fantrace_bpf* skel) {
  if (!skel || !skel->skeleton) return;
  const bpf_object_skeleton* s = skel->skeleton;
  std::vector<std::thread> threads;
  threads.reserve(s->prog_cnt);
  for (int i = 0; i < s->prog_cnt; ++i) {
    const auto* prog = reinterpret_cast<const bpf_prog_skeleton*>(
        reinterpret_cast<const char*>(s->progs) + size_t(i) * s->prog_skel_sz);
    bpf_link** link = prog->link;
    if (!link || !*link) continue;
    try {
      threads.emplace_back([link] {
        bpf_link__destroy(*link);
        *link = nullptr;
      });
    } catch (const std::system_error&) {
      bpf_link__destroy(*link);  // no thread to spare: detach here
      *link = nullptr;
    }
  }
  for (std::thread& t : threads) t.join();
}

}  // namespace fantrace
