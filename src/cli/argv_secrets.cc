#include "cli/argv_secrets.h"

#include <cstring>
#include <string_view>

#include <fmt/format.h>

namespace fantrace::cli {
namespace {

void Mask(std::string& s, size_t begin, size_t end) {
  for (size_t i = begin; i < end && i < s.size(); ++i) s[i] = '*';
}

}  // namespace

std::string MaskUriPassword(std::string arg) {
  for (std::string_view scheme : {"postgresql://", "postgres://"}) {
    size_t start = arg.find(scheme);
    if (start == std::string::npos) continue;
    size_t authority = start + scheme.size();
    size_t authority_end = arg.find_first_of("/?", authority);
    if (authority_end == std::string::npos) authority_end = arg.size();
    size_t at = arg.rfind('@', authority_end);
    if (at != std::string::npos && at >= authority) {
      size_t colon = arg.find(':', authority);
      if (colon != std::string::npos && colon < at) Mask(arg, colon + 1, at);
    }
    for (size_t p = arg.find("password=", authority_end); p != std::string::npos; p = arg.find("password=", p + 1)) {
      if (arg[p - 1] != '?' && arg[p - 1] != '&') continue;
      size_t value = p + strlen("password=");
      size_t value_end = arg.find('&', value);
      Mask(arg, value, value_end == std::string::npos ? arg.size() : value_end);
    }
    break;
  }
  return arg;
}

int HideUriPasswords(int argc, char** argv) {
  int changed = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--") break;
    std::string masked = MaskUriPassword(argv[i]);
    if (masked == argv[i]) continue;
    memcpy(argv[i], masked.data(), masked.size());  // same length: only bytes replaced
    ++changed;
  }
  if (changed > 0)
    fmt::print(stderr,
               "fantrace: warning: a password on the command line is visible to every user of this machine "
               "until fantrace hides it; put the URI in FANTRACE_DB or the configuration file, and the "
               "password in ~/.pgpass (or PGPASSFILE)\n");
  return changed;
}

}  // namespace fantrace::cli
