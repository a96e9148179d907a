#include "lib/decoder.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <array>
#include <optional>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "abi/events.h"
#include "lib/path_normalize.h"
#include "lib/shell_status.h"

namespace fantrace {
namespace {

static_assert(sizeof(ft_record) == FT_RECORD_SIZE, "decoder and ABI disagree on the header");

constexpr uint32_t kAnySlotTruncated =
    FT_F_SLOT_TRUNC(0) | FT_F_SLOT_TRUNC(1) | FT_F_SLOT_TRUNC(2) | FT_F_SLOT_TRUNC(3);

// Where the kernel's dev_t keeps major and minor (include/linux/kdev_t.h).
constexpr unsigned kKernelMinorBits = 20;

using Slots = std::array<std::string_view, FT_SLOTS>;

uint64_t UserDev(uint64_t kernel_dev) {
  return makedev(kernel_dev >> kKernelMinorBits, kernel_dev & ((1u << kKernelMinorBits) - 1));
}

// The status a shell reports for a wait status: 128+N for signal N.
std::vector<std::string> SplitArgv(std::string_view bytes) {
  std::vector<std::string> argv;
  // The kernel copies argv with its NULs; the last one may be cut off.
  if (!bytes.empty() && bytes.back() == '\0') bytes.remove_suffix(1);
  if (bytes.empty()) return argv;
  size_t pos = 0;
  while (true) {
    size_t end = bytes.find('\0', pos);
    if (end == std::string_view::npos) {
      argv.emplace_back(bytes.substr(pos));
      return argv;
    }
    argv.emplace_back(bytes.substr(pos, end - pos));
    pos = end + 1;
  }
}

const char* MountWhat(int64_t what) {
  switch (what) {
    case FT_MOUNT_MOUNT: return "mount";
    case FT_MOUNT_UMOUNT: return "umount";
    case FT_MOUNT_MOVE: return "move";
    case FT_MOUNT_PIVOT_ROOT: return "pivot_root";
    case FT_MOUNT_UNSHARE: return "unshare";
    case FT_MOUNT_SETNS: return "setns";
    case FT_MOUNT_CLONE: return "clone";
  }
  return "unknown";
}

void DecodeInode(const ft_record& r, Event& ev) {
  ev.dev = UserDev(r.dev);
  ev.ino = r.ino;
  ev.size = r.size;
  // Unsigned arithmetic: a garbage record must not be signed-overflow UB.
  ev.mtime_ns = static_cast<int64_t>(static_cast<uint64_t>(r.mtime_sec) * 1'000'000'000u + r.mtime_nsec);
  // Path-only records carry mode 0; they are about regular files unless
  // the kernel says otherwise.
  ev.regular = r.mode == 0 || S_ISREG(r.mode);
  if ((r.flags & FT_F_READ) && (r.flags & FT_F_WRITE)) {
    ev.access = Access::kReadWrite;
  } else if (r.flags & FT_F_WRITE) {
    ev.access = Access::kWrite;
  } else if (r.flags & FT_F_READ) {
    ev.access = Access::kRead;
  }
  ev.memfd = r.flags & FT_F_MEMFD;
  if (r.flags & FT_F_SCM_RIGHTS) ev.via = Via::kScmRights;
  ev.close_at = (r.flags & FT_F_AT_EXIT)    ? CloseAt::kExit
                : (r.flags & FT_F_AT_EXEC)  ? CloseAt::kExec
                : (r.flags & FT_F_UNMAPPED) ? CloseAt::kMunmap
                                            : CloseAt::kClose;
  ev.created = r.flags & FT_F_CREATED;
  ev.truncated = r.flags & FT_F_TRUNCATED;
  ev.written = r.flags & FT_F_WRITTEN;
}

const char* AttribWhat(uint32_t what) {
  switch (what) {
    case FT_ATTR_MODE: return "mode";
    case FT_ATTR_OWNER: return "owner";
    case FT_ATTR_TIMES: return "times";
    case FT_ATTR_XATTR: return "xattr";
  }
  return "unknown";
}

// mknod(2)'s file type; 0 makes a regular file.
const char* NodeKind(uint32_t mode) {
  switch (mode & S_IFMT) {
    case 0:
    case S_IFREG: return "regular";
    case S_IFIFO: return "fifo";
    case S_IFSOCK: return "socket";
    case S_IFCHR: return "char";
    case S_IFBLK: return "block";
  }
  return "unknown";
}

// Fills the type-specific fields; false for a type this decoder does not know.
bool DecodeBody(const ft_record& r, const Slots& s, Event& ev) {
  switch (r.type) {
    case FT_EXEC:
      ev.type = EventType::kExec;
      ev.path.assign(s[0]);
      ev.target.assign(s[1]);
      ev.argv = SplitArgv(s[2]);
      ev.argv_truncated = r.flags & FT_F_ARGV_TRUNC;
      if (r.flags & FT_F_SCRIPT) ev.script = JoinAndNormalize(s[3], s[1]);
      return true;
    case FT_FORK:
      ev.type = EventType::kFork;
      ev.ppid = static_cast<uint32_t>(r.aux);
      return true;
    case FT_EXIT:
      ev.type = EventType::kExit;
      ev.exit_status = ShellStatus(r.aux);
      return true;
    case FT_OPEN:
    case FT_MODIFY:
    case FT_CLOSE:
      ev.type = r.type == FT_OPEN     ? EventType::kOpen
                : r.type == FT_MODIFY ? EventType::kModify
                                      : EventType::kClose;
      ev.path.assign(s[0]);
      // Most files of a tree's own namespace are on the mounts it copied
      // from the tracer's, where both paths are the same: kept only when
      // they differ (for a path the reader takes from the open, s[0] is
      // empty and the open's fs_path decides).
      if ((r.flags & FT_F_FOREIGN_NS) && s[1] != s[0]) ev.fs_path.assign(s[1]);
      DecodeInode(r, ev);
      if (r.type != FT_MODIFY || (r.flags & FT_F_PATH_FROM_OPEN)) ev.open_id = static_cast<uint64_t>(r.aux);
      return true;
    case FT_RENAME:
      ev.type = EventType::kRename;
      ev.exchange = r.flags & FT_F_EXCHANGE;
      ev.from = JoinAndNormalize(s[0], s[1]);
      ev.path = JoinAndNormalize(s[2], s[3]);
      return true;
    case FT_LINK:
      ev.type = EventType::kLink;
      ev.target = (r.flags & FT_F_TARGET_FILE) ? std::string(s[0]) : JoinAndNormalize(s[0], s[1]);
      ev.path = JoinAndNormalize(s[2], s[3]);
      return true;
    case FT_SYMLINK:
      ev.type = EventType::kSymlink;
      ev.target.assign(s[1]);
      ev.path = JoinAndNormalize(s[2], s[3]);
      return true;
    case FT_UNLINK:
    case FT_RMDIR:
    case FT_MKDIR:
    case FT_TRUNCATE:
      // unlinkat(AT_REMOVEDIR) is rmdir(2) by another name.
      ev.type = r.type == FT_MKDIR      ? EventType::kMkdir
                : r.type == FT_TRUNCATE ? EventType::kTruncate
                : r.type == FT_RMDIR || (r.flags & FT_F_DIR_OP) ? EventType::kRmdir
                                                                : EventType::kUnlink;
      ev.path = JoinAndNormalize(s[0], s[1]);
      return true;
    case FT_CHROOT:
      ev.type = EventType::kChroot;
      ev.path.assign(s[0]);
      return true;
    case FT_STAT:
    case FT_MISSING:
      // the name first (the kernel merges on it before it walks the base)
      ev.type = r.type == FT_STAT ? EventType::kStat : EventType::kMissing;
      ev.path = JoinAndNormalize(s[1], s[0]);
      if (r.type == FT_STAT && r.ino != 0) {
        ev.dev = UserDev(r.dev);
        ev.ino = r.ino;
      }
      return true;
    case FT_READDIR:
      ev.type = EventType::kReaddir;
      ev.path.assign(s[0]);
      ev.dev = UserDev(r.dev);
      ev.ino = r.ino;
      ev.regular = false;
      return true;
    case FT_ATTRIB:
      ev.type = EventType::kAttrib;
      ev.what = AttribWhat(FT_SUBKIND(r.flags));
      if (r.flags & FT_F_PATH_FROM_OPEN) {  // by fd, of a file whose open was sent
        ev.open_id = static_cast<uint64_t>(r.aux);
        return true;
      }
      ev.path = JoinAndNormalize(s[0], s[1]);
      return true;
    case FT_MKNOD:
      ev.type = EventType::kMknod;
      ev.path = JoinAndNormalize(s[0], s[1]);
      ev.kind = NodeKind(FT_SUBKIND(r.flags) << 12);
      ev.regular = ev.kind == "regular";
      return true;
    case FT_MOUNT:
      ev.type = EventType::kMount;
      ev.mount_what = MountWhat(r.aux);
      if (r.slot_len[1] > 0) ev.path = JoinAndNormalize(s[0], s[1]);
      if (r.flags & FT_F_SOURCE_PATH)
        ev.from = JoinAndNormalize(s[2], s[3]);
      else
        ev.from.assign(s[3]);
      return true;
    case FT_UNTRACED:
      ev.type = EventType::kUntraced;
      ev.reason = r.aux == FT_UNTRACE_SETID    ? "setuid"
                  : r.aux == FT_UNTRACE_COMPAT ? "compat_syscalls"
                                               : "unknown";
      return true;
    default:
      return false;
  }
}

}  // namespace

bool IsTreeEnd(const void* data, size_t size) {
  if (data == nullptr || size < sizeof(ft_record)) return false;
  uint16_t type;
  std::memcpy(&type, static_cast<const char*>(data) + offsetof(ft_record, type), sizeof(type));
  return type == FT_TREE_END;
}

Result<Event> DecodeRecord(const void* data, size_t size, const TimeBase& tb) {
  if (data == nullptr || size < sizeof(ft_record)) {
    return MakeError(fmt::format("event record too short: {} bytes, need {}", size, sizeof(ft_record)));
  }
  // Ring-buffer samples are 8-byte aligned, but a fuzzer's input need not be.
  ft_record r;
  std::memcpy(&r, data, sizeof(r));
  if (r.hdr_size != sizeof(ft_record)) {
    return MakeError(fmt::format(
        "event header is {} bytes, this fantrace expects {}: BPF object and binary are out of sync",
        r.hdr_size, sizeof(ft_record)));
  }

  Slots slots;
  const char* bytes = static_cast<const char*>(data) + sizeof(ft_record);
  size_t avail = size - sizeof(ft_record);
  size_t offset = 0;
  for (size_t k = 0; k < FT_SLOTS; ++k) {
    if (r.slot_len[k] > avail - offset) {
      return MakeError(fmt::format("event record of type {}: slot {} ({} bytes) runs past its end ({} bytes)",
                                   r.type, k, r.slot_len[k], size));
    }
    slots[k] = std::string_view(bytes + offset, r.slot_len[k]);
    offset += r.slot_len[k];
  }

  if (r.type == FT_TREE_END) {
    return MakeError("tree-end marker is not an event (check IsTreeEnd before decoding)");
  }
  Event ev;
  if (!DecodeBody(r, slots, ev)) {
    return MakeError(fmt::format("event record of unknown type {}", r.type));
  }
  ev.time_ns = r.time_ns + static_cast<uint64_t>(tb.boot_to_epoch_ns);
  ev.pid = r.pid;
  ev.tid = r.tid;
  ev.path_truncated = r.flags & kAnySlotTruncated;
  if (r.flags & FT_F_IO_URING) {
    ev.via = Via::kIoUring;
    // a name record (aux is unused by a syscall's) names its request
    if (r.type >= FT_RENAME && r.type <= FT_TRUNCATE) ev.uring_request = static_cast<uint64_t>(r.aux);
  }
  return ev;
}

std::optional<UringDone> UringDoneOf(const void* data, size_t size, const TimeBase& tb) {
  if (data == nullptr || size < sizeof(ft_record)) return std::nullopt;
  ft_record r;
  std::memcpy(&r, data, sizeof(r));
  if (r.type != FT_URING_DONE) return std::nullopt;
  return UringDone{static_cast<uint64_t>(r.aux), static_cast<int64_t>(r.size),
                   r.time_ns + static_cast<uint64_t>(tb.boot_to_epoch_ns)};
}

}  // namespace fantrace
