#include "lib/path_normalize.h"

#include <vector>

namespace fantrace {

std::string NormalizePath(std::string_view path) {
  if (path.empty()) return {};
  const bool absolute = path.front() == '/';

  // Components are views into `path`; only the result is allocated.
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(pos, end - pos);
    pos = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
        continue;
      }
      // "/.." is "/"; a relative path may legitimately start above its base.
      if (absolute) continue;
    }
    parts.push_back(part);
  }

  std::string out;
  out.reserve(path.size());
  for (std::string_view part : parts) {
    if (absolute || !out.empty()) out += '/';
    out.append(part);
  }
  if (out.empty()) return std::string(absolute ? "/" : ".");
  return out;
}

std::string JoinAndNormalize(std::string_view base, std::string_view name) {
  if (!name.empty() && name.front() == '/') return NormalizePath(name);
  std::string joined;
  joined.reserve(base.size() + 1 + name.size());
  joined.append(base);
  joined += '/';
  joined.append(name);
  if (joined.front() != '/') joined.insert(joined.begin(), '/');
  return NormalizePath(joined);
}

}  // namespace fantrace
