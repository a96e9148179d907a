// Which files' contents are kept in the database so that a user can get
// back the exact script a command ran: exec'd scripts, and read or
// executed files whose name ends with one of the configured suffixes (or
// equals one, for names like Makefile), up to a size limit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fantrace::store {

struct CapturePolicy {
  std::vector<std::string> suffixes;
  uint64_t max_size = 256 << 10;
  bool scripts = true;  // exec'd #! scripts, whatever their name
};

// The default list (docs/provenance.md): shell, Python, R, Perl, Ruby,
// make files and common configuration formats.
std::vector<std::string> DefaultCaptureSuffixes();
CapturePolicy DefaultCapturePolicy();

// "a,b,c" -> {"a","b","c"}; empty entries dropped.
std::vector<std::string> SplitList(std::string_view list);

// True when `path`'s name matches the suffix list, or it is an exec'd
// script and scripts are captured. The size limit is the caller's.
bool WantsContent(const CapturePolicy& policy, std::string_view path, bool exec_script);

}  // namespace fantrace::store
