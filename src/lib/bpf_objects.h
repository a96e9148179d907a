// The tracer's two BPF objects, built from the same sources (src/bpf): the
// default one and the compat one for kernels without bpf_loop and typed
// task pointers (docs/design.md). Both define the same maps, programs and
// globals (the build checks it), so either opens into the one skeleton
// type, fantrace_bpf, and the rest of the tracer never asks which it got.
#pragma once

#include "lib/bpf_handles.h"  // the skeleton type
#include "lib/kernel_features.h"

namespace fantrace {

// Opens (does not load) the object of that path; nullptr with errno set on
// failure. Free it with fantrace_bpf__destroy (SkeletonPtr).
fantrace_bpf* OpenBpfObject(BpfPath path);

}  // namespace fantrace
