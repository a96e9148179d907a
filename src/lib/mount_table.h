// The tracer's view of a file on a mount the traced tree made in a mount
// namespace of its own (a bind mount inside `unshare -m`, a container's
// root): the tree names the file by a path that may mean nothing here, but
// the kernel also reports its path from the root of its file system
// (Event::fs_path). This file maps that path onto the mounts of the
// tracer's namespace (/proc/self/mountinfo), and carries it along the
// tree's renames. Plain functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fantrace {

// One line of /proc/PID/mountinfo: which part of which file system is
// mounted where.
struct MountEntry {
  uint64_t dev = 0;        // as stat(2) reports st_dev
  std::string root;        // the mounted directory, from its file system's root
  std::string mount_point;
};

// Parses mountinfo text (octal escapes such as \040 decoded); lines it
// cannot read are skipped.
std::vector<MountEntry> ParseMountInfo(std::string_view text);

// The mounts of the calling process's namespace (empty if unreadable).
std::vector<MountEntry> ReadOwnMounts();

// The paths under which fs_path of device dev appears on these mounts,
// one per mount that shows it, in the table's order.
std::vector<std::string> PathsOnMounts(const std::vector<MountEntry>& mounts, uint64_t dev,
                                       const std::string& fs_path);

// A file known as `path` (in the tree's namespace) with fs_path on its
// device was renamed to new_path: its fs_path now. The mount that maps
// one onto the other is the longest common tail of the two; "" when
// new_path lies outside that mount.
std::string RebaseFsPath(const std::string& path, const std::string& fs_path, const std::string& new_path);

}  // namespace fantrace
