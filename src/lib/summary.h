// What a traced tree did, in one value: which files it read, wrote, deleted
// and executed, fed the event stream in order. Build tools write a temporary
// name and rename it into place (sed -i, gcc -o, git objects via link), so
// the builder follows renames, links and unlinks: "written" holds only the
// final names that still exist as regular files, and "read" only the tree's
// inputs, not the temporaries and intermediates it wrote and read back
// (gcc's /tmp/cc*.s). The rules are the jsonl contract (docs/jsonl.md).
// Not thread-safe; one builder per trace.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <string>
#include <unordered_set>
#include <vector>

#include "fantrace/event.h"

namespace fantrace {

inline constexpr size_t kEventTypeCount = static_cast<size_t>(EventType::kLost) + 1;

// What the kernel side counted, for the summary's "stats": every event it
// saw ends up delivered, merged, dropped by one filter, or lost.
struct TraceStats {
  bool present = false;  // false: no stats to show (e.g. in unit tests)
  uint64_t delivered = 0;
  uint64_t merged = 0;
  uint64_t lost = 0;
  uint64_t dropped_kind = 0;       // --events
  uint64_t dropped_path = 0;       // --include / --exclude
  uint64_t dropped_fs = 0;         // --exclude-fs
  uint64_t dropped_comm = 0;       // --exclude-comm
  uint64_t dropped_unwritten = 0;  // --only-written
  // Per user filter (--filter-bpf), in chain order: its name and drops.
  std::vector<std::pair<std::string, uint64_t>> dropped_user;
  // io_uring file operations that could not be decoded: not in seen()
  // (the kernel made no event of them), their events are missing.
  uint64_t uring_undecoded = 0;
  uint64_t dropped_by_user() const {
    uint64_t n = 0;
    for (const auto& [name, count] : dropped_user) n += count;
    return n;
  }
  uint64_t dropped() const {
    return dropped_kind + dropped_path + dropped_fs + dropped_comm + dropped_unwritten + dropped_by_user();
  }
  uint64_t seen() const { return delivered + merged + lost + dropped(); }
};

struct Summary {
  int exit_code = 0;                               // set by the caller: the traced command's $?
  uint64_t lost = 0;                               // events the kernel could not deliver
  uint64_t processes = 0;                          // distinct pids that exec'd, forked or exited
  std::array<uint64_t, kEventTypeCount> events{};  // indexed by EventType
  // Sorted, unique, absolute byte-string paths.
  std::vector<std::string> read;
  std::vector<std::string> written;
  std::vector<std::string> deleted;
  std::vector<std::string> executed;
  // Processes that exec'd a 32-bit program (an untraced event with reason
  // compat_syscalls): their file operations are not in the trace.
  uint64_t untraced_compat = 0;
  // Lookups (--probes), present only when they were traced: existing paths
  // looked up but never opened, directories listed, and paths looked for
  // and not found, less those the tree created afterwards.
  bool lookups = false;
  std::vector<std::string> probed;
  std::vector<std::string> listed;
  std::vector<std::string> missing;
  TraceStats stats;         // set by the caller from the tracer's counters
};

// The one question the summary asks the world, so tests can answer it.
class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // True if `path` names a regular file now (not following a final symlink).
  virtual bool IsRegularFile(const std::string& path) const = 0;
  // The path naming the regular file dev/ino here, for a file the tree
  // wrote on a mount of its own namespace: `path` (the tree's name for it)
  // if that names the very file, else its fs_path (from its file system's
  // root) on a mount of device dev; nullopt when neither does.
  virtual std::optional<std::string> FindFile(const std::string& /*path*/, uint64_t /*dev*/, uint64_t /*ino*/,
                                              const std::string& /*fs_path*/) const {
    return std::nullopt;
  }
};

// lstat(2).
class RealFileSystem final : public FileSystem {
 public:
  bool IsRegularFile(const std::string& path) const override;
  std::optional<std::string> FindFile(const std::string& path, uint64_t dev, uint64_t ino,
                                      const std::string& fs_path) const override;
};

class SummaryBuilder {
 public:
  // lookups: the trace asked for lookup events; the summary then has their
  // lists (and the builder remembers every opened path for `probed`).
  explicit SummaryBuilder(bool lookups = false) : lookups_(lookups) {}
  void Add(const Event& ev);
  // Written paths are filtered through `fs`: a file written and later
  // removed by a tool the tracer could not see is not an output.
  Summary Finish(const FileSystem& fs) const;

 private:
  struct Inode {
    uint64_t dev = 0;
    uint64_t ino = 0;
    auto operator<=>(const Inode&) const = default;
  };

  void NoteInode(const Event& ev);
  bool MadeByTree(const Event& ev) const;
  void MarkWritten(const std::string& path);
  void Rename(const std::string& from, const std::string& to);
  void Exchange(const std::string& a, const std::string& b);
  void Link(const std::string& target, const std::string& path);
  void Remove(const std::string& path);
  void ForgetInode(const std::string& path);
  void Created(const std::string& path) { missing_.erase(path); }
  // Renames (or, with exchange, swaps) the fs paths under from and to.
  void MoveFsPaths(const std::string& from, const std::string& to, bool exchange);

  bool lookups_ = false;
  std::unordered_set<std::string> probed_;
  std::unordered_set<std::string> listed_;
  std::unordered_set<std::string> missing_;
  std::unordered_set<std::string> opened_;  // only with lookups_
  uint64_t lost_ = 0;
  uint64_t untraced_compat_ = 0;
  std::array<uint64_t, kEventTypeCount> events_{};
  std::unordered_set<uint32_t> pids_;
  std::unordered_set<std::string> read_;
  std::unordered_set<std::string> deleted_;
  std::unordered_set<std::string> executed_;
  // Ordered, so a directory rename can move everything under it.
  std::set<std::string> written_;
  // The inode each path last named, learnt from open/modify/close, so a link
  // whose target path differs from the written one still matches.
  std::map<std::string, Inode> inode_of_;
  // Inodes the tree wrote, while a name the tree gave them still exists:
  // forgotten when that name goes, because the file system soon hands the
  // number to a new file (ext4 does at once).
  std::set<Inode> written_inodes_;
  // chroot: the root of each process that changed it (inherited on fork),
  // and the root of the process that wrote each output, so that Finish looks
  // for "/out" written in a chroot at ROOT/out.
  std::unordered_map<uint32_t, std::string> root_of_pid_;
  std::map<std::string, std::string> root_of_written_;
  std::string current_root_;  // of the event being added
  // Written files on mounts of the tree's own mount namespaces: their path
  // from their file system's root (Event::fs_path), following renames, so
  // that Finish can find them in the tracer's namespace.
  std::map<std::string, std::string> fs_path_of_;
};

}  // namespace fantrace
