#include "store/file_facts.h"

namespace fantrace::store {

void FileFacts::Add(const Event& ev) {
  switch (ev.type) {
    case EventType::kExec:
      if (!ev.script.empty()) scripts_.insert(ev.script);
      break;
    case EventType::kOpen:
    case EventType::kClose: {
      if (ev.ino == 0 || !ev.regular) break;
      KernelFacts& facts = by_inode_[{ev.dev, ev.ino}];
      // An open after a close of the same inode reports what the close
      // left, unless the tree truncated it; a later close supersedes both.
      facts = KernelFacts{ev.dev, ev.ino, ev.size, ev.mtime_ns, ev.type == EventType::kClose};
      break;
    }
    default: break;
  }
}

std::optional<KernelFacts> FileFacts::Find(uint64_t dev, uint64_t ino) const {
  auto it = by_inode_.find({dev, ino});
  if (it == by_inode_.end()) return std::nullopt;
  return it->second;
}

}  // namespace fantrace::store
