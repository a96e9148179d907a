#include "lib/summary.h"

#include "lib/mount_table.h"

#include <sys/stat.h>

#include <algorithm>
#include <utility>

namespace fantrace {
namespace {

const std::string& KeyOf(const std::string& key) { return key; }
template <typename V>
const std::string& KeyOf(const std::pair<const std::string, V>& entry) {
  return entry.first;
}

template <typename Node>
std::string& MutableKeyOf(Node& node) {
  if constexpr (requires { node.key(); }) {
    return node.key();
  } else {
    return node.value();
  }
}

// Re-keys `from` and everything under `from/` to live under `to`, replacing
// what was there: rename(2) semantics on a sorted container of paths.
template <typename Container>
void MoveSubtree(Container& c, const std::string& from, const std::string& to) {
  std::vector<typename Container::node_type> moved;
  if (auto it = c.find(from); it != c.end()) moved.push_back(c.extract(it));
  const std::string prefix = from + "/";
  for (auto it = c.lower_bound(prefix); it != c.end() && KeyOf(*it).starts_with(prefix);) {
    moved.push_back(c.extract(it++));
  }
  for (auto& node : moved) {
    std::string& key = MutableKeyOf(node);
    key = to + key.substr(from.size());
    auto result = c.insert(std::move(node));
    if (!result.inserted) {
      c.erase(result.position);
      c.insert(std::move(result.node));
    }
  }
}

template <typename Container>
void EraseSubtree(Container& c, const std::string& path) {
  c.erase(path);
  const std::string prefix = path + "/";
  auto first = c.lower_bound(prefix);
  auto last = first;
  while (last != c.end() && KeyOf(*last).starts_with(prefix)) ++last;
  c.erase(first, last);
}

// The name d_path gives an O_TMPFILE inode before it is linked: "#<ino>".
bool IsTmpfileName(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string_view base = std::string_view(path).substr(slash == std::string::npos ? 0 : slash + 1);
  return base.size() > 1 && base[0] == '#' &&
         std::all_of(base.begin() + 1, base.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string> Sorted(const std::unordered_set<std::string>& paths) {
  std::vector<std::string> out(paths.begin(), paths.end());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

bool RealFileSystem::IsRegularFile(const std::string& path) const {
  struct stat st;
  return lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::optional<std::string> RealFileSystem::FindFile(const std::string& path, uint64_t dev, uint64_t ino,
                                                    const std::string& fs_path) const {
  auto is_it = [&](const std::string& p) {
    struct stat st;
    return lstat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == dev && st.st_ino == ino;
  };
  if (is_it(path)) return path;
  for (const std::string& candidate : PathsOnMounts(ReadOwnMounts(), dev, fs_path))
    if (is_it(candidate)) return candidate;
  return std::nullopt;
}

void SummaryBuilder::NoteInode(const Event& ev) {
  if (ev.ino != 0) inode_of_[ev.path] = Inode{ev.dev, ev.ino};
  if (!ev.fs_path.empty()) fs_path_of_[ev.path] = ev.fs_path;
}

// A rename inside a mount of the tree's own namespace: each moved name's
// fs_path follows, through the mount its old name and fs_path show.
void SummaryBuilder::MoveFsPaths(const std::string& from, const std::string& to, bool exchange) {
  if (fs_path_of_.empty()) return;
  auto take = [this](const std::string& dir) {
    std::vector<std::pair<std::string, std::string>> taken;
    const std::string prefix = dir + "/";
    for (auto it = fs_path_of_.lower_bound(dir);
         it != fs_path_of_.end() && (it->first == dir || it->first.starts_with(prefix));) {
      taken.emplace_back(it->first, it->second);
      it = fs_path_of_.erase(it);
    }
    return taken;
  };
  auto put = [this](const auto& taken, const std::string& old_dir, const std::string& new_dir) {
    for (const auto& [path, fs_path] : taken) {
      std::string new_path = new_dir + path.substr(old_dir.size());
      std::string new_fs_path = RebaseFsPath(path, fs_path, new_path);
      if (!new_fs_path.empty()) fs_path_of_[new_path] = std::move(new_fs_path);
    }
  };
  auto moved = take(from), replaced = take(to);
  put(moved, from, to);
  if (exchange) put(replaced, to, from);
}

// True when the tree itself made what the open `ev` finds: the tree created,
// truncated or wrote this file earlier. Matched by inode (the same file under
// another name, a bind mount say) or by name, unless an inode learnt for the
// name shows that the name now holds another file (replaced from outside).
bool SummaryBuilder::MadeByTree(const Event& ev) const {
  const Inode inode{ev.dev, ev.ino};
  if (ev.ino != 0 && written_inodes_.contains(inode)) return true;
  if (!written_.contains(ev.path)) return false;
  auto known = inode_of_.find(ev.path);
  return ev.ino == 0 || known == inode_of_.end() || known->second == inode;
}

void SummaryBuilder::MarkWritten(const std::string& path) {
  written_.insert(path);
  Created(path);
  if (!current_root_.empty())
    root_of_written_[path] = current_root_;
  else if (!root_of_written_.empty())
    root_of_written_.erase(path);
  if (auto it = inode_of_.find(path); it != inode_of_.end()) written_inodes_.insert(it->second);
}

void SummaryBuilder::Rename(const std::string& from, const std::string& to) {
  // `to` keeps its written mark if `from` had none: the tree still replaced
  // it, so it is still an output of the tree. The file it named is gone
  // (unless both names were links to one inode, when rename does nothing).
  auto replaced = inode_of_.find(to), moved = inode_of_.find(from);
  if (replaced != inode_of_.end() && (moved == inode_of_.end() || moved->second != replaced->second))
    written_inodes_.erase(replaced->second);
  inode_of_.erase(to);
  Created(to);
  MoveFsPaths(from, to, false);
  MoveSubtree(written_, from, to);
  MoveSubtree(inode_of_, from, to);
  MoveSubtree(root_of_written_, from, to);
}

// renameat2(RENAME_EXCHANGE): both names stay, their files trade places.
void SummaryBuilder::Exchange(const std::string& a, const std::string& b) {
  const std::string parked(1, '\0');  // no path contains a NUL byte
  MoveFsPaths(a, b, true);
  MoveSubtree(written_, a, parked);
  MoveSubtree(written_, b, a);
  MoveSubtree(written_, parked, b);
  MoveSubtree(inode_of_, a, parked);
  MoveSubtree(inode_of_, b, a);
  MoveSubtree(inode_of_, parked, b);
  MoveSubtree(root_of_written_, a, parked);
  MoveSubtree(root_of_written_, b, a);
  MoveSubtree(root_of_written_, parked, b);
}

void SummaryBuilder::Link(const std::string& target, const std::string& path) {
  auto inode = inode_of_.find(target);
  bool target_written =
      written_.contains(target) || (inode != inode_of_.end() && written_inodes_.contains(inode->second));
  if (inode != inode_of_.end()) inode_of_[path] = inode->second;
  Created(path);
  if (target_written) written_.insert(path);
}

void SummaryBuilder::Remove(const std::string& path) {
  if (auto it = inode_of_.find(path); it != inode_of_.end()) written_inodes_.erase(it->second);
  const std::string prefix = path + "/";
  for (auto it = inode_of_.lower_bound(prefix); it != inode_of_.end() && it->first.starts_with(prefix); ++it)
    written_inodes_.erase(it->second);
  EraseSubtree(written_, path);
  EraseSubtree(inode_of_, path);
  EraseSubtree(fs_path_of_, path);
}

void SummaryBuilder::Add(const Event& ev) {
  ++events_[static_cast<size_t>(ev.type)];
  // A memfd is in no directory: never an input or an output.
  if (ev.memfd) return;
  auto root = root_of_pid_.find(ev.pid);
  current_root_ = root == root_of_pid_.end() ? std::string() : root->second;
  switch (ev.type) {
    case EventType::kExec:
      pids_.insert(ev.pid);
      executed_.insert(ev.path);
      if (!ev.script.empty()) executed_.insert(ev.script);
      break;
    case EventType::kFork:
      pids_.insert(ev.pid);
      pids_.insert(ev.ppid);
      if (auto parent = root_of_pid_.find(ev.ppid); parent != root_of_pid_.end())
        root_of_pid_[ev.pid] = parent->second;
      break;
    case EventType::kChroot:
      // Paths are as the process sees them: its writes are found under the
      // new root. A root given relative to an earlier chroot is already
      // absolute (the kernel resolves it to the namespace's root).
      if (ev.path == "/")
        root_of_pid_.erase(ev.pid);
      else
        root_of_pid_[ev.pid] = ev.path;
      break;
    case EventType::kExit: pids_.insert(ev.pid); break;
    case EventType::kOpen: {
      if (lookups_) opened_.insert(ev.path);
      // `read` lists inputs: a file the tree made before reading it (a temp
      // file, an intermediate) is not one. A file read first stays an input
      // even when the tree writes it afterwards.
      const bool makes = ev.created || ev.truncated || IsTmpfileName(ev.path);
      const bool reads = ev.access == Access::kRead || ev.access == Access::kReadWrite;
      if (ev.regular && reads && !makes && !MadeByTree(ev)) read_.insert(ev.path);
      NoteInode(ev);
      if (ev.regular && makes) MarkWritten(ev.path);
      break;
    }
    case EventType::kModify:
      NoteInode(ev);
      if (ev.regular) MarkWritten(ev.path);
      break;
    case EventType::kClose:
      NoteInode(ev);
      if (ev.regular && ev.written) MarkWritten(ev.path);
      break;
    case EventType::kTruncate: MarkWritten(ev.path); break;
    case EventType::kRename:
      if (ev.exchange)
        Exchange(ev.from, ev.path);
      else
        Rename(ev.from, ev.path);
      break;
    case EventType::kLink: Link(ev.target, ev.path); break;
    case EventType::kUnlink:
      deleted_.insert(ev.path);
      Remove(ev.path);
      break;
    case EventType::kRmdir: Remove(ev.path); break;
    case EventType::kLost: lost_ += ev.lost_count; break;
    case EventType::kUntraced:
      if (ev.reason == "compat_syscalls") ++untraced_compat_;
      break;
    case EventType::kMkdir:
    case EventType::kSymlink: Created(ev.path); break;
    case EventType::kMount: break;
    case EventType::kMknod:
      if (ev.regular)
        MarkWritten(ev.path);  // an empty regular file: an output like any other
      else
        Created(ev.path);
      break;
    case EventType::kStat: probed_.insert(ev.path); break;
    case EventType::kReaddir: listed_.insert(ev.path); break;
    case EventType::kMissing: missing_.insert(ev.path); break;
    case EventType::kAttrib: break;  // metadata, not contents: no list
  }
}

Summary SummaryBuilder::Finish(const FileSystem& fs) const {
  Summary s;
  s.lost = lost_;
  s.untraced_compat = untraced_compat_;
  s.processes = pids_.size();
  s.events = events_;
  s.read = Sorted(read_);
  s.deleted = Sorted(deleted_);
  s.executed = Sorted(executed_);
  if (lookups_) {
    s.lookups = true;
    // Opened, executed or listed: not a mere probe.
    for (const std::string& path : probed_)
      if (!opened_.contains(path) && !executed_.contains(path) && !listed_.contains(path))
        s.probed.push_back(path);
    std::sort(s.probed.begin(), s.probed.end());
    s.listed = Sorted(listed_);
    s.missing = Sorted(missing_);
  }
  for (const std::string& path : written_) {
    auto root = root_of_written_.find(path);
    auto fs_path = fs_path_of_.find(path);
    auto inode = inode_of_.find(path);
    if (root == root_of_written_.end() && fs_path != fs_path_of_.end() && inode != inode_of_.end()) {
      // written through a mount of the tree's own namespace: listed under
      // the name it has here, found by dev/ino
      if (auto found = fs.FindFile(path, inode->second.dev, inode->second.ino, fs_path->second))
        s.written.push_back(*found);
      continue;
    }
    if (fs.IsRegularFile(root == root_of_written_.end() ? path : root->second + path))
      s.written.push_back(path);
  }
  std::sort(s.written.begin(), s.written.end());
  s.written.erase(std::unique(s.written.begin(), s.written.end()), s.written.end());
  return s;
}

}  // namespace fantrace
