#include "pack/dpkg_db.h"

#include <dirent.h>
#include <unistd.h>

#include <climits>
#include <fstream>
#include <map>
#include <vector>

#include <fmt/format.h>

namespace fantrace::pack {
namespace {

// Top-level names that are symlinks into /usr on a merged-/usr system:
// "/bin" -> "/usr/bin".
std::map<std::string, std::string> TopLevelAliases(const std::string& root) {
  std::map<std::string, std::string> aliases;
  for (const char* name : {"bin", "sbin", "lib", "lib32", "lib64", "libx32"}) {
    char target[PATH_MAX];
    std::string link = root + (root.ends_with('/') ? "" : "/") + name;
    ssize_t n = readlink(link.c_str(), target, sizeof(target) - 1);
    if (n <= 0) continue;
    std::string t(target, static_cast<size_t>(n));
    if (t.starts_with("/")) t.erase(0, 1);
    aliases["/" + std::string(name)] = "/" + t;
  }
  return aliases;
}

// "Package: x", "Status: install ok installed", "Version: 1", "Architecture: amd64".
std::map<std::string, PackageRef> ReadStatus(const std::string& path) {
  std::map<std::string, PackageRef> installed;  // "name:arch" and "name" -> ref
  std::ifstream in(path);
  PackageRef cur;
  bool ok = false;
  auto flush = [&] {
    if (!cur.name.empty() && ok) {
      installed[cur.name + ":" + cur.arch] = cur;
      installed.emplace(cur.name, cur);
    }
    cur = PackageRef{};
    ok = false;
  };
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) {
      flush();
      continue;
    }
    if (line.starts_with("Package: ")) cur.name = line.substr(9);
    else if (line.starts_with("Version: ")) cur.version = line.substr(9);
    else if (line.starts_with("Architecture: ")) cur.arch = line.substr(14);
    else if (line.starts_with("Status: ")) ok = line.ends_with(" installed");
  }
  flush();
  return installed;
}

}  // namespace

Result<DpkgDatabase> DpkgDatabase::Load(const std::string& admin_dir, const std::string& root) {
  DpkgDatabase db;
  std::map<std::string, PackageRef> installed = ReadStatus(admin_dir + "/status");
  std::map<std::string, std::string> aliases = TopLevelAliases(root);
  std::string info = admin_dir + "/info";
  DIR* dir = opendir(info.c_str());
  if (!dir) return db;  // not a dpkg system
  std::vector<std::string> lists;
  while (struct dirent* e = readdir(dir)) {
    std::string name = e->d_name;
    if (name.size() > 5 && name.ends_with(".list")) lists.push_back(name);
  }
  closedir(dir);
  for (const std::string& list : lists) {
    std::string qualified = list.substr(0, list.size() - 5);  // "libc6:amd64"
    PackageRef ref;
    auto it = installed.find(qualified);
    if (it != installed.end()) {
      ref = it->second;
    } else {
      size_t colon = qualified.find(':');
      ref.name = qualified.substr(0, colon);
      if (colon != std::string::npos) ref.arch = qualified.substr(colon + 1);
    }
    size_t index = db.packages_.size();
    db.packages_.push_back(ref);
    std::ifstream in(info + "/" + list);
    std::string path;
    while (std::getline(in, path)) {
      if (path.empty() || path == "/.") continue;
      db.owner_.emplace(path, index);
      size_t slash = path.find('/', 1);
      auto alias = aliases.find(path.substr(0, slash));
      if (alias != aliases.end() && slash != std::string::npos)
        db.owner_.emplace(alias->second + path.substr(slash), index);
    }
  }
  return db;
}

std::optional<PackageRef> DpkgDatabase::Owner(const std::string& path) const {
  auto it = owner_.find(path);
  if (it == owner_.end()) return std::nullopt;
  return packages_[it->second];
}

}  // namespace fantrace::pack
