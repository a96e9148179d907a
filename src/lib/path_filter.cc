#include "lib/path_filter.h"

#include <algorithm>

namespace fantrace {

bool PathUnderPrefix(std::string_view path, std::string_view prefix) {
  while (prefix.size() > 1 && prefix.back() == '/') prefix.remove_suffix(1);
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || prefix == "/" || path[prefix.size()] == '/';
}

PathFilter::PathFilter(std::vector<std::string> include, std::vector<std::string> exclude)
    : include_(std::move(include)), exclude_(std::move(exclude)) {}

bool PathFilter::Selects(std::string_view path) const {
  auto under = [path](const std::string& prefix) { return PathUnderPrefix(path, prefix); };
  if (!include_.empty() && std::none_of(include_.begin(), include_.end(), under)) return false;
  return std::none_of(exclude_.begin(), exclude_.end(), under);
}

bool PathFilter::SelectsNameEvent(const Event& event) const {
  switch (event.type) {
    case EventType::kRename:
      return Selects(event.path) || Selects(event.from);
    case EventType::kLink:
      return Selects(event.path) || (!event.target.empty() && Selects(event.target));
    case EventType::kUnlink:
    case EventType::kRmdir:
    case EventType::kMkdir:
    case EventType::kSymlink:
    case EventType::kTruncate:
    case EventType::kStat:
    case EventType::kMissing:
    case EventType::kAttrib:
    case EventType::kMknod:
      return Selects(event.path);
    default:
      return true;
  }
}

}  // namespace fantrace
