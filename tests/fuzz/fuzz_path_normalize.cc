// libFuzzer target: lexical path normalisation of the names the kernel
// copies from the traced task. Input: BASE NUL NAME. Oracles: the result
// is normal (no empty, "." or, in an absolute path, ".." component, no
// trailing slash), normalising is idempotent, and a joined path is
// absolute.
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/path_normalize.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

void CheckNormal(const std::string& p) {
  Check(fantrace::NormalizePath(p) == p);
  if (p.empty() || p == "/" || p == ".") return;
  Check(p.back() != '/');
  Check(p.find("//") == std::string::npos);
  std::string wrapped = "/" + p + "/";
  Check(wrapped.find("/./") == std::string::npos);
  if (p[0] == '/') Check(wrapped.find("/../") == std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nul = input.find('\0');
  std::string_view base = input.substr(0, nul);
  std::string_view name = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);

  std::string normal = fantrace::NormalizePath(input);
  CheckNormal(normal);
  Check(normal.empty() == input.empty());
  if (!input.empty() && input[0] == '/') Check(!normal.empty() && normal[0] == '/');

  std::string joined = fantrace::JoinAndNormalize(base, name);
  CheckNormal(joined);
  Check(!joined.empty() && joined[0] == '/');
  return 0;
}
