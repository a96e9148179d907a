#include "lib/bpf_handles.h"

#include <vector>

#include "lib/tracepoints.h"

namespace fantrace {

void DetachConcurrently(fantrace_bpf* skel) {
  if (!skel || !skel->skeleton) return;
  const bpf_object_skeleton* s = skel->skeleton;
  std::vector<bpf_link*> links;
  for (int i = 0; i < s->prog_cnt; ++i) {
    const auto* prog = reinterpret_cast<const bpf_prog_skeleton*>(
        reinterpret_cast<const char*>(s->progs) + size_t(i) * s->prog_skel_sz);
    if (prog->link && *prog->link) {
      links.push_back(*prog->link);
      *prog->link = nullptr;
    }
  }
  DestroyLinksConcurrently(std::move(links));
}

}  // namespace fantrace
