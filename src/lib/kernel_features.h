// What the running kernel offers fantrace's BPF programs, probed with
// libbpf (small test programs the verifier accepts or refuses) and the
// kernel's BTF: the facts `fantrace doctor` prints and the tracer checks
// before it loads, so that an older kernel is refused with one line naming
// the missing feature instead of a page of verifier output. The features
// also choose between the two BPF objects (BpfPath).
#pragma once

#include <optional>
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
  bool optional = false;      // the compat path does without it
};

struct KernelFeatures {
  std::string release;  // uname -r
  std::vector<KernelFeature> features;

  bool Has(std::string_view name) const;
};

// Probes the running kernel. Needs root (it loads BPF programs); without
// it every BPF feature reads as missing.
KernelFeatures ProbeKernelFeatures();

// Ok when fantrace's BPF programs can run here (on one path or the
// other); otherwise one line naming every missing required feature and the
// kernel release that brought the newest of them.
Status CheckKernelFeatures(const KernelFeatures& kernel);

// The two builds of the BPF programs (docs/design.md): the default one
// needs every feature; the compat one, for 5.8 to 5.16, does without the
// optional ones at some cost in start-up time and bounds.
enum class BpfPath { kDefault, kCompat };

// FANTRACE_BPF_PATH: "default" or "compat" forces that path; unset or
// empty lets the kernel's features choose.
inline constexpr const char* kBpfPathEnv = "FANTRACE_BPF_PATH";
Result<std::optional<BpfPath>> ParseBpfPath(const char* value);

// The path for a kernel with these features, unless one is forced.
BpfPath ChooseBpfPath(const KernelFeatures& kernel, std::optional<BpfPath> forced);

// The path the tracer loads here: FANTRACE_BPF_PATH, else the default one
// when the kernel has its helpers (probed: three tiny program loads, not
// the BTF parse ProbeKernelFeatures does).
Result<BpfPath> SelectBpfPath();

// The BPF code path the tracer uses on this kernel (with forced, the
// parsed FANTRACE_BPF_PATH), in words, for `fantrace doctor`.
std::string CodePath(const KernelFeatures& kernel, std::optional<BpfPath> forced = std::nullopt);

}  // namespace fantrace
