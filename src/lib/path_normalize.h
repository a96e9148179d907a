// Lexical path normalisation for the paths the kernel reports. The kernel
// resolves a syscall's base directory but hands over the name exactly as the
// task passed it ("../x", "a//b/."), so the decoder joins and cleans the two
// here. Purely lexical: no file system access, so a ".." after a symlink is
// resolved as text (the kernel's base is already symlink-free). Paths are
// byte strings, not UTF-8. Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace fantrace {

// Collapses "//", drops "." components, resolves ".." against the previous
// component (never above "/" for an absolute path; kept at the front of a
// relative one) and drops a trailing "/". "" stays "", "/" stays "/", and a
// relative path that cancels out ("a/..") becomes ".".
std::string NormalizePath(std::string_view path);

// name if it is absolute, else base + "/" + name; then NormalizePath. An
// empty base with a relative name yields a path under "/", because every
// path an event carries must be absolute.
std::string JoinAndNormalize(std::string_view base, std::string_view name);

}  // namespace fantrace
