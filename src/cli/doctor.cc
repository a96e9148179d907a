#include "cli/doctor.h"

#include <unistd.h>

#include <fmt/format.h>

#include "cli/exit_status.h"
#include "lib/kernel_env.h"
#include "lib/kernel_features.h"

namespace fantrace::cli {

int RunDoctor() {
  if (Status root = CheckPrivileges(); !root) {
    fmt::print(stderr, "fantrace: {}\n", root.error().message);
    return kExitUsage;
  }
  CaptureLibbpfLog();  // the probes' refusals are expected: keep them off the terminal
  KernelFeatures kernel = ProbeKernelFeatures();
  TakeLibbpfLog();
  fmt::print("kernel: {}\n", kernel.release);
  for (const KernelFeature& f : kernel.features)
    fmt::print("feature: {:<25} {:<3} (Linux {}+: {})\n", f.name, f.present ? "yes" : "no", f.since,
               f.used_for);
  fmt::print("code path: {}\n", CodePath(kernel));
  Status ok = CheckKernelFeatures(kernel);
  if (!ok) {
    fmt::print("status: unsupported: {}\n", ok.error().message);
    return kExitUsage;
  }
  fmt::print("status: supported\n");
  return 0;
}

}  // namespace fantrace::cli
