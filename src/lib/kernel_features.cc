#include "lib/kernel_features.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace fantrace {
namespace {

bool Exists(const char* path) { return access(path, F_OK) == 0; }

// libbpf_probe_* return 1 (supported), 0 (not) or a negative error.
bool Helper(bpf_func_id helper) {
  return libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, helper, nullptr) == 1;
}

bool MapType(bpf_map_type type) { return libbpf_probe_bpf_map_type(type, nullptr) == 1; }

// tp_btf programs attach through the btf_trace_<tracepoint> typedef the
// kernel's BTF carries for each raw tracepoint.
bool BtfTracepoints() {
  btf* vmlinux = btf__load_vmlinux_btf();
  if (!vmlinux) return false;
  bool found = btf__find_by_name_kind(vmlinux, "btf_trace_sched_process_exec", BTF_KIND_TYPEDEF) > 0;
  btf__free(vmlinux);
  return found;
}

// The helpers the default path needs and the compat path does without.
constexpr bpf_func_id kDefaultPathHelpers[] = {BPF_FUNC_get_current_task_btf, BPF_FUNC_task_pt_regs,
                                               BPF_FUNC_loop};

}  // namespace

bool KernelFeatures::Has(std::string_view name) const {
  for (const KernelFeature& f : features)
    if (f.name == name) return f.present;
  return false;
}

KernelFeatures ProbeKernelFeatures() {
  KernelFeatures k;
  utsname u{};
  if (uname(&u) == 0) k.release = u.release;
  bool btf = Exists("/sys/kernel/btf/vmlinux");
  // Ordered by the release that brought them: the first missing one is
  // the one an upgrade must reach.
  k.features = {
      {"btf", "5.4", "CO-RE relocations against the running kernel's types", btf},
      {"tp_btf", "5.5", "process tree: fork, exec and exit tracepoints with typed arguments",
       btf && BtfTracepoints()},
      {"ringbuf", "5.8", "event delivery through a BPF ring buffer", MapType(BPF_MAP_TYPE_RINGBUF)},
      {"bpf_get_current_task_btf", "5.11",
       "fd table and path walk through typed task pointers (compat path: probe reads)",
       Helper(kDefaultPathHelpers[0]), true},
      {"bpf_task_pt_regs", "5.15",
       "open flags read from the syscall's saved registers (compat path: from the kernel stack)",
       Helper(kDefaultPathHelpers[1]), true},
      {"bpf_loop", "5.17", "path walk, prefix filters and close_range scans (compat path: bounded loops)",
       Helper(kDefaultPathHelpers[2]), true},
  };
  return k;
}

Status CheckKernelFeatures(const KernelFeatures& kernel) {
  std::string missing;
  std::string_view needed;
  for (const KernelFeature& f : kernel.features) {
    if (f.present || f.optional) continue;
    missing += fmt::format("{}{} (Linux {})", missing.empty() ? "" : ", ", f.name, f.since);
    needed = f.since;  // the features are in release order: the last missing one is the newest
  }
  if (missing.empty()) return Ok{};
  return MakeError(fmt::format(
      "this kernel ({}) lacks {}: fantrace needs Linux {} or newer ('fantrace doctor' lists "
      "what it uses)",
      kernel.release, missing, needed));
}

Result<std::optional<BpfPath>> ParseBpfPath(const char* value) {
  if (value == nullptr || *value == '\0') return std::optional<BpfPath>();
  if (strcmp(value, "default") == 0) return std::optional<BpfPath>(BpfPath::kDefault);
  if (strcmp(value, "compat") == 0) return std::optional<BpfPath>(BpfPath::kCompat);
  return MakeError(fmt::format("{}={}: expected default or compat (or unset, to let the kernel choose)",
                               kBpfPathEnv, value));
}

BpfPath ChooseBpfPath(const KernelFeatures& kernel, std::optional<BpfPath> forced) {
  if (forced) return *forced;
  for (const KernelFeature& f : kernel.features)
    if (f.optional && !f.present) return BpfPath::kCompat;
  return BpfPath::kDefault;
}

Result<BpfPath> SelectBpfPath() {
  Result<std::optional<BpfPath>> forced = ParseBpfPath(getenv(kBpfPathEnv));
  if (!forced) return forced.error();
  if (*forced) return **forced;
  for (bpf_func_id helper : kDefaultPathHelpers)
    if (!Helper(helper)) return BpfPath::kCompat;
  return BpfPath::kDefault;
}

std::string CodePath(const KernelFeatures& kernel, std::optional<BpfPath> forced) {
  if (!CheckKernelFeatures(kernel)) return "none (this kernel is too old)";
  std::string why = forced ? fmt::format(" (forced by {})", kBpfPathEnv) : "";
  if (ChooseBpfPath(kernel, forced) == BpfPath::kCompat)
    return fmt::format("compat (5.10): bounded loops, probe-read task pointers{}", why);
  return fmt::format("default: bpf_loop path walk, typed task pointers{}", why);
}

}  // namespace fantrace
