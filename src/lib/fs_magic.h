// File system type names and the superblock magic numbers the kernel side
// matches them by (--exclude-fs). Matching by magic, not by path, keeps a
// bind mount or an unusual mount point of /proc just as excluded.
// Stateless, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fantrace/result.h"

namespace fantrace {

// The pseudo file systems excluded unless --exclude-fs says otherwise.
const std::vector<std::string>& DefaultExcludedFilesystems();

// The magic of a file system type name ("proc", "sysfs", "tmpfs", ...).
Result<uint64_t> FilesystemMagic(const std::string& name);

// "proc,sysfs" -> names; "none" or "" -> no names; "default" -> the defaults.
Result<std::vector<std::string>> ParseFilesystemList(const std::string& list);

}  // namespace fantrace
