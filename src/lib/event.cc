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
    case EventType::kStat: return "stat";
    case EventType::kReaddir: return "readdir";
    case EventType::kMissing: return "missing";
    case EventType::kAttrib: return "attrib";
    case EventType::kMknod: return "mknod";
    case EventType::kMount: return "mount";
    case EventType::kLost: return "lost";
  }
  return "unknown";
}

const char* ViaName(Via via) {
  switch (via) {
    case Via::kSyscall: return "syscall";
    case Via::kIoUring: return "io_uring";
    case Via::kScmRights: return "scm_rights";
  }
  return "syscall";
}

}  // namespace fantrace
