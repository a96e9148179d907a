#include "pack/bundle_info.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <vector>

#include <fmt/format.h>

namespace fantrace::pack {
namespace {

struct Tally {
  uint64_t files = 0, bytes = 0, left_out = 0;
};

std::string Quoted(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\$`;&|<>()*?[]{}~#") == std::string::npos;
    out += plain ? a : "'" + a + "'";
  }
  return out;
}

std::string TimeText(int64_t ns) {
  time_t t = static_cast<time_t>(ns / 1'000'000'000);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

}  // namespace

std::string HumanBytes(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < (1u << 20)) return fmt::format("{:.1f} KiB", bytes / 1024.0);
  if (bytes < (1u << 30)) return fmt::format("{:.1f} MiB", bytes / 1048576.0);
  return fmt::format("{:.2f} GiB", bytes / 1073741824.0);
}

std::string DescribeBundle(const Manifest& m, uint64_t bundle_bytes, size_t max_packages) {
  std::string out;
  auto line = [&]<typename... Args>(fmt::format_string<Args...> format, Args&&... args) {
    out += fmt::format(format, std::forward<Args>(args)...) + "\n";
  };
  line("command:   {}", Quoted(m.argv));
  line("directory: {}", m.cwd);
  line("user:      {} (uid {}, gid {})", m.user.empty() ? "?" : m.user, m.uid, m.gid);
  line("exit:      {}", m.exit_status);
  line("packed:    {} on {} ({}, Linux {} {}) by fantrace {}", TimeText(m.created_ns), m.hostname, m.distribution,
       m.kernel_release, m.machine, m.fantrace_version);
  line("env:       {} variables kept, {} left out ({})", m.env.size(), m.env_excluded.size(),
       fmt::join(m.env_excluded, ", "));
  std::map<Role, Tally> by_role;
  std::map<std::string, Tally> by_package;
  uint64_t content = 0;
  size_t changed = 0;
  for (const FileEntry& f : m.files) {
    Tally& r = by_role[f.role];
    ++r.files;
    if (!f.included) ++r.left_out;
    else r.bytes += f.size;
    content += f.included ? f.size : 0;
    if (!f.changed.empty()) ++changed;
    if (f.type != "file") continue;
    Tally& p = by_package[f.package ? f.package->name + " " + f.package->version : "(no package)"];
    ++p.files;
    if (!f.included) ++p.left_out;
    else p.bytes += f.size;
  }
  line("bundle:    {} compressed, {} of file content, {} entries", HumanBytes(bundle_bytes), HumanBytes(content),
       m.files.size());
  line("\n{:<12} {:>7} {:>12} {:>9}", "ROLE", "ENTRIES", "BYTES", "LEFT OUT");
  for (const auto& [role, t] : by_role)
    line("{:<12} {:>7} {:>12} {:>9}", RoleName(role), t.files, HumanBytes(t.bytes), t.left_out);
  std::vector<std::pair<std::string, Tally>> packages(by_package.begin(), by_package.end());
  std::sort(packages.begin(), packages.end(), [](const auto& a, const auto& b) { return a.second.bytes > b.second.bytes; });
  line("\n{:<40} {:>6} {:>12} {:>9}", "PACKAGE", "FILES", "BYTES", "LEFT OUT");
  for (size_t i = 0; i < packages.size() && i < max_packages; ++i)
    line("{:<40} {:>6} {:>12} {:>9}", packages[i].first, packages[i].second.files, HumanBytes(packages[i].second.bytes),
         packages[i].second.left_out);
  if (packages.size() > max_packages) line("... and {} more packages", packages.size() - max_packages);
  line("\noutputs ({}):", m.outputs.size());
  for (const OutputEntry& o : m.outputs) line("  {}  {}  {}", o.hash, HumanBytes(o.size), o.path);
  if (changed > 0) {
    line("\nchanged since the trace ({}):", changed);
    for (const FileEntry& f : m.files)
      if (!f.changed.empty()) line("  {}: {}", f.path, f.changed);
  }
  if (m.lost > 0) line("\nwarning: the trace lost {} events; the bundle may lack files", m.lost);
  return out;
}

}  // namespace fantrace::pack
