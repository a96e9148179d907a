// A decoded file event of a traced process tree, as the library hands it to
// consumers (output writers, summary, later the provenance database).
// Plain value type; not thread-safe to share while being mutated.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fantrace {

enum class EventType {
  kExec,
  kFork,
  kExit,
  kOpen,
  kModify,
  kClose,
  kRename,
  kUnlink,
  kRmdir,
  kMkdir,
  kLink,
  kSymlink,
  kTruncate,
  kUntraced,
  kChroot,  // path: the process's new root, as an absolute path outside it
  kStat,     // lookups (--probes): path looked up, existed, was not opened
  kReaddir,  // path: a directory whose entries were listed
  kMissing,  // path: looked up and not found (ENOENT, ENOTDIR)
  kAttrib,   // path's metadata changed: what
  kMknod,    // path made by mknod: kind
  kMount,   // mount: what changed (mount_what), target path, source
  kLost,
};

// The jsonl "type" string of an event type ("exec", "open", ...).
const char* EventTypeName(EventType type);

enum class Access { kNone, kRead, kWrite, kReadWrite };

// How the tree got hold of an opened file: an open syscall, an io_uring
// request, or an fd received over a Unix socket (SCM_RIGHTS).
enum class Via { kSyscall, kIoUring, kScmRights };

// The jsonl "via" string of a Via ("syscall", "io_uring", "scm_rights").
const char* ViaName(Via via);

// When a close came without a close() (jsonl "at"): the exit, the exec
// (close-on-exec, or the mapping the exec dropped), the munmap of the
// file's last mapping.
enum class CloseAt { kClose, kExit, kExec, kMunmap };

struct Event {
  EventType type = EventType::kOpen;
  uint64_t time_ns = 0;  // nanoseconds since the Unix epoch
  uint32_t pid = 0;      // process id (tgid) in the initial pid namespace
  uint32_t tid = 0;

  // Paths are byte strings: absolute, lexically normalised, possibly not
  // valid UTF-8. rename: path is the new name, from the old one. link: path
  // is the new name, target the existing file. symlink: target is the link
  // text as given.
  std::string path;
  std::string from;
  std::string target;
  bool exchange = false;        // rename: RENAME_EXCHANGE swapped path and from
  Via via = Via::kSyscall;      // any file or name event: how the tree did it
  bool path_truncated = false;  // some path of this event hit a bound

  // exec
  std::vector<std::string> argv;
  std::string script;  // the #! script (or binfmt_misc file) exec'd; path is its interpreter
  bool argv_truncated = false;

  // open / close / modify
  Access access = Access::kNone;
  bool created = false;
  bool truncated = false;
  bool written = false;       // close: the file was modified while open
  bool regular = true;        // the file is a regular file
  uint64_t dev = 0;           // as stat(2) reports st_dev
  uint64_t ino = 0;
  uint64_t size = 0;          // close
  int64_t mtime_ns = 0;       // close, nanoseconds since the Unix epoch

  bool memfd = false;         // open/modify/close: a memfd_create file, never an output
  CloseAt close_at = CloseAt::kClose;  // close
  // open/modify/close of a file on a mount of another mount namespace than
  // the tracer's (one the tree made): its path from the root of its file
  // system (device dev), for the summary to find it in the tracer's
  // namespace. Empty otherwise.
  std::string fs_path;

  // mount: "mount", "umount", "move", "pivot_root", "unshare", "setns",
  // "clone"; path is the target (new_root for pivot_root), from the source
  // (a path for bind, move and pivot_root's put_old, else the device
  // string as given).
  std::string mount_what;

  // open/close: pairs a close with its open inside the library (the kernel
  // leaves the path of an unchanged file's close to the reader); 0 if none.
  uint64_t open_id = 0;
  // io_uring name events (rename, unlink, ...): sent at submission, held
  // inside the library until the request's result; 0 otherwise.
  uint64_t uring_request = 0;

  uint32_t ppid = 0;          // fork
  int exit_status = 0;        // exit: as a shell's $? (128+N for signal N)
  std::string what;           // attrib: mode, owner, times or xattr
  std::string kind;           // mknod: fifo, socket, char, block or regular
  std::string reason;         // untraced
  uint64_t lost_count = 0;    // lost
};

}  // namespace fantrace
