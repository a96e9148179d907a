#include "fantrace/event.h"

namespace fantrace {

const char* EventTypeName(EventType type) {
  switch (type) {
    case EventType::kExec: return "exec";
    case EventType::kFork: return "fork";
    case EventType::kExit: return "exit";
    case EventType::kOpen: return "open";
    case EventType::kModify: return "modify";
    case EventType::kClose: return "close";
    case EventType::kRename: return "rename";
    case EventType::kUnlink: return "unlink";
    case EventType::kRmdir: return "rmdir";
    case EventType::kMkdir: return "mkdir";
    case EventType::kLink: return "link";
    case EventType::kSymlink: return "symlink";
    case EventType::kTruncate: return "truncate";
    case EventType::kUntraced: return "untraced";
    case EventType::kChroot: return "chroot";
    case EventType::kMount: return "mount";
    case EventType::kLost: return "lost";
  }
  return "unknown";
}

}  // namespace fantrace
