// Which Debian package owns a file, read from dpkg's own database
// (/var/lib/dpkg/info/*.list for the files, /var/lib/dpkg/status for the
// versions) rather than by running dpkg -S once per file. dpkg lists the
// paths a package ships (/lib/x86_64-linux-gnu/libc.so.6); on a merged-/usr
// system the kernel reports the canonical path (/usr/lib/...), so listed
// paths under a top-level directory that is a symlink (/bin -> usr/bin) are
// also indexed under their target. Loaded once; read-only afterwards, so
// lookups are thread-safe.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "fantrace/result.h"

namespace fantrace::pack {

struct PackageRef {
  std::string name;     // without the :arch qualifier
  std::string version;  // as dpkg's status has it; "" if unknown
  std::string arch;
};

class DpkgDatabase {
 public:
  // An empty database (no dpkg here) is not an error: nothing is packaged.
  static Result<DpkgDatabase> Load(const std::string& admin_dir = "/var/lib/dpkg", const std::string& root = "/");

  std::optional<PackageRef> Owner(const std::string& path) const;
  size_t size() const { return owner_.size(); }

 private:
  std::unordered_map<std::string, size_t> owner_;  // path -> index in packages_
  std::vector<PackageRef> packages_;
};

}  // namespace fantrace::pack
