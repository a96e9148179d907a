// RAII owners for the libbpf objects of a trace: destroying the skeleton
// detaches every link and closes every map, so no error path leaks a BPF
// program into the kernel.
#pragma once

#include <bpf/libbpf.h>

#include <memory>

#include "abi/events.h"  // the skeleton names struct ft_counters
#include "fantrace.skel.h"

namespace fantrace {

// Detaching a syscall tracepoint waits for RCU grace periods (50-100 ms
// each here); done one after another for ~50 tracepoints that is seconds.
// The links are therefore destroyed concurrently, so their grace periods
// overlap, before the rest of the skeleton goes.
void DetachConcurrently(fantrace_bpf* skel);

struct SkeletonDeleter {
  void operator()(fantrace_bpf* skel) const {
    DetachConcurrently(skel);
    fantrace_bpf__destroy(skel);
  }
};
using SkeletonPtr = std::unique_ptr<fantrace_bpf, SkeletonDeleter>;

struct RingBufferDeleter {
  void operator()(ring_buffer* rb) const { ring_buffer__free(rb); }
};
using RingBufferPtr = std::unique_ptr<ring_buffer, RingBufferDeleter>;

}  // namespace fantrace
