#include "store/capture_policy.h"

namespace fantrace::store {

std::vector<std::string> DefaultCaptureSuffixes() {
  return {".sh",      ".bash",    ".py",         ".R",    ".r",   ".pl",  ".rb",  ".mk",   "Makefile",
          "makefile", "GNUmakefile", "CMakeLists.txt", ".cmake", ".cfg", ".conf", ".ini", ".toml",
          ".yaml",    ".yml"};
}

CapturePolicy DefaultCapturePolicy() {
  CapturePolicy policy;
  policy.suffixes = DefaultCaptureSuffixes();
  return policy;
}

std::vector<std::string> SplitList(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

bool WantsContent(const CapturePolicy& policy, std::string_view path, bool exec_script) {
  if (exec_script && policy.scripts) return true;
  size_t slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  for (const std::string& suffix : policy.suffixes) {
    // ".py" matches "x.py" but not a file named ".py"; "Makefile" matches
    // only the whole name.
    if (suffix.starts_with('.') ? name.size() > suffix.size() && name.ends_with(suffix) : name == suffix)
      return true;
  }
  return false;
}

}  // namespace fantrace::store
