// What the running kernel offers fantrace's BPF programs, probed with
// libbpf (small test programs the verifier accepts or refuses) and the
// kernel's BTF: the facts `fantrace doctor` prints and the tracer checks
// before it loads, so that an older kernel is refused with one line naming
// the missing feature instead of a page of verifier output.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fantrace/result.h"

namespace fantrace {

struct KernelFeature {
  std::string_view name;      // "bpf_loop"
  std::string_view since;     // the first Linux release that has it
  std::string_view used_for;  // what fantrace needs it for
  bool present = false;
};

struct KernelFeatures {
  std::string release;  // uname -r
  std::vector<KernelFeature> features;

  bool Has(std::string_view name) const;
};

// Probes the running kernel. Needs root (it loads BPF programs); without
// it every BPF feature reads as missing.
KernelFeatures ProbeKernelFeatures();

// Ok when fantrace's BPF programs can run here; otherwise one line naming
// the first missing feature and the kernel release that brought it.
Status CheckKernelFeatures(const KernelFeatures& kernel);

// The BPF code path the tracer uses on this kernel, for `fantrace doctor`.
std::string CodePath(const KernelFeatures& kernel);

}  // namespace fantrace
