// Which paths a bundle must hold so that the command finds what it found:
// the files it read and executed, the dynamic loader of each ELF program
// (PT_INTERP, mapped by the kernel without an open), every symlink met on
// the way to each of them (so /bin/sh, libz.so.1 and /lib64 resolve as
// they did), the directories above them, and the working directory.
// Kernel paths are canonical, so symlinks the command went through by
// another name are found by resolving each recorded path component by
// component, and by keeping the symlinks that sit beside a program or
// library and point at something bundled (how PATH lookups and sonames
// reach their files). Works on the live file system; not thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>

#include "pack/trace_file.h"

namespace fantrace::pack {

// Strongest first: a file both executed and read is an executable.
enum class Role { kExecutable, kLibrary, kInput, kProbed, kPath, kOutput };

const char* RoleName(Role role);
Role RoleFromName(const std::string& name);

class FileSet {
 public:
  // Everything `trace` needed, with `cwd` the command's working directory.
  static FileSet FromTrace(const TraceFile& trace, const std::string& cwd);

  // Adds `path` (resolved through its symlinks, each one kept) with `role`;
  // a path that does not exist is ignored. Returns the resolved path, or ""
  // when it does not exist.
  std::string Add(const std::string& path, Role role);

  // Adds the symlinks in `dir` whose targets are in the set.
  void AddSiblingSymlinks(const std::string& dir);

  const std::map<std::string, Role>& entries() const { return entries_; }

 private:
  void Keep(const std::string& path, Role role);
  std::string Resolve(const std::string& path, int depth);

  std::map<std::string, Role> entries_;
};

// True for paths a bundle never holds: /proc, /sys and /dev belong to the
// machine that replays.
bool IsMachinePath(const std::string& path);

}  // namespace fantrace::pack
