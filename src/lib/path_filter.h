// The --include/--exclude prefix rule, for the events whose path is only
// known after userspace has normalised it (rename, unlink, mkdir, ...); the
// kernel applies the same rule to the paths it resolves itself.
// A prefix matches itself and everything below it: "/a/b" matches "/a/b"
// and "/a/b/c", not "/a/bc". Stateless, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "fantrace/event.h"

namespace fantrace {

bool PathUnderPrefix(std::string_view path, std::string_view prefix);

class PathFilter {
 public:
  PathFilter(std::vector<std::string> include, std::vector<std::string> exclude);
  bool empty() const { return include_.empty() && exclude_.empty(); }
  bool Selects(std::string_view path) const;
  // For name events: selected when any of its paths is (a rename into an
  // included directory is shown). Other events are left to the kernel.
  bool SelectsNameEvent(const Event& event) const;

 private:
  std::vector<std::string> include_;
  std::vector<std::string> exclude_;
};

}  // namespace fantrace
