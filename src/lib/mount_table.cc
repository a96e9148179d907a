#include "lib/mount_table.h"

#include <sys/sysmacros.h>

#include <cstdio>
#include <fstream>
#include <sstream>

namespace fantrace {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(std::string_view field) {
  auto octal = [](char c, char max) { return c >= '0' && c <= max; };
  std::string out;
  out.reserve(field.size());
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && octal(field[i + 1], '3') && octal(field[i + 2], '7') &&
        octal(field[i + 3], '7')) {
      out.push_back(static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0')));
      i += 3;
    } else {
      out.push_back(field[i]);
    }
  }
  return out;
}

bool Under(const std::string& path, const std::string& dir) {
  if (dir == "/") return !path.empty() && path[0] == '/';
  return path == dir || (path.starts_with(dir) && path[dir.size()] == '/');
}

}  // namespace

std::vector<MountEntry> ParseMountInfo(std::string_view text) {
  std::vector<MountEntry> mounts;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    // ID PARENT MAJOR:MINOR ROOT MOUNT_POINT ...
    std::istringstream fields(line);
    std::string id, parent, devno, root, mount_point;
    if (!(fields >> id >> parent >> devno >> root >> mount_point)) continue;
    unsigned major = 0, minor = 0;
    if (std::sscanf(devno.c_str(), "%u:%u", &major, &minor) != 2) continue;
    mounts.push_back(MountEntry{makedev(major, minor), Unescape(root), Unescape(mount_point)});
  }
  return mounts;
}

std::vector<MountEntry> ReadOwnMounts() {
  std::ifstream in("/proc/self/mountinfo");
  std::stringstream text;
  text << in.rdbuf();
  return ParseMountInfo(text.str());
}

std::vector<std::string> PathsOnMounts(const std::vector<MountEntry>& mounts, uint64_t dev,
                                       const std::string& fs_path) {
  std::vector<std::string> paths;
  for (const MountEntry& m : mounts) {
    if (m.dev != dev || !Under(fs_path, m.root)) continue;
    std::string rest = m.root == "/" ? fs_path : fs_path.substr(m.root.size());
    if (m.mount_point == "/")
      paths.push_back(rest.empty() ? "/" : rest);
    else
      paths.push_back(m.mount_point + rest);
  }
  return paths;
}

std::string RebaseFsPath(const std::string& path, const std::string& fs_path, const std::string& new_path) {
  // The common tail, cut back to a component boundary: path = head + tail,
  // fs_path = fs_head + tail.
  size_t i = path.size(), j = fs_path.size();
  while (i > 0 && j > 0 && path[i - 1] == fs_path[j - 1]) --i, --j;
  while (i < path.size() && path[i] != '/') ++i, ++j;
  const std::string head = path.substr(0, i), fs_head = fs_path.substr(0, j);
  if (new_path != head && !(new_path.starts_with(head) && new_path[head.size()] == '/')) return "";
  return fs_head + new_path.substr(head.size());
}

}  // namespace fantrace
