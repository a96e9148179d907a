// The syscall tracepoints served by a shared BPF program. The skeleton
// attaches each program to the tracepoint named in its SEC(); a program
// that serves a family of syscalls (all open exits, all writes, all exits of
// the name calls) is attached here to the rest of its family, so the
// verifier checks it once instead of once per syscall.
#pragma once

#include <bpf/libbpf.h>

#include <memory>
#include <vector>

#include "fantrace/result.h"
#include "lib/bpf_handles.h"

namespace fantrace {

struct LinkDeleter {
  void operator()(bpf_link* link) const { bpf_link__destroy(link); }
};
using LinkPtr = std::unique_ptr<bpf_link, LinkDeleter>;

// Each handler that can run the user filter chain comes twice (FT_HANDLER
// in fantrace.bpf.c): one of the two is loaded, before the skeleton loads.
// The lookup handlers (stat, readdir, missing) are loaded only with lookups.
void SelectHandlers(fantrace_bpf* skel, bool with_filters, bool lookups);
// The io_uring programs whose tracepoints this kernel has (part of
// SelectHandlers).
void SelectUringHandlers(fantrace_bpf* skel, bool with_filters);

Status AttachFamilies(fantrace_bpf* skel, bool with_filters, bool lookups, std::vector<LinkPtr>& links);

// Destroys links concurrently: removing a tracepoint waits for RCU grace
// periods, which then overlap instead of adding up.
void DestroyLinksConcurrently(std::vector<bpf_link*> links);

}  // namespace fantrace
