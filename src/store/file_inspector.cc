#include "store/file_inspector.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace fantrace::store {
namespace {

int64_t MtimeNs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

bool SameState(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino && a.st_size == b.st_size && MtimeNs(a) == MtimeNs(b);
}

// The whole content of the open file, which fstat said is `size` bytes.
bool ReadAll(int fd, uint64_t size, std::string& out) {
  out.resize(size);
  uint64_t done = 0;
  while (done < size) {
    ssize_t got = pread(fd, out.data() + done, size - done, static_cast<off_t>(done));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    done += static_cast<uint64_t>(got);
  }
  return true;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

FileRecord InspectFile(FileRole role, const std::string& path, const FileFacts& facts,
                       const CapturePolicy& capture, const HashScheme& scheme, KernelDevices& devices) {
  FileRecord rec;
  rec.role = role;
  rec.path = path;
  // O_NONBLOCK: a FIFO that took a regular file's name must not hang us.
  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW));
  if (fd.get() < 0) {
    rec.hash_state = errno == ENOENT || errno == ENOTDIR ? HashState::kMissing
                     : errno == ELOOP                    ? HashState::kNone
                                                         : HashState::kUnreadable;
    return rec;
  }
  struct stat before;
  if (fstat(fd.get(), &before) != 0) {
    rec.hash_state = HashState::kUnreadable;
    return rec;
  }
  rec.size = static_cast<uint64_t>(before.st_size);
  rec.mtime_ns = MtimeNs(before);
  rec.dev = before.st_dev;
  rec.ino = before.st_ino;
  if (!S_ISREG(before.st_mode) || role == FileRole::kDeleted) {
    rec.hash_state = HashState::kNone;  // a deleted name that exists again names another file
    return rec;
  }

  std::optional<KernelFacts> kernel = facts.Find(before.st_dev, before.st_ino);
  if (!kernel) {
    // Not under stat's device number: on btrfs and on overlays over several
    // filesystems the kernel reported the file under its mount's.
    std::optional<uint64_t> dev = devices.Of(fd.get());
    if (dev && *dev != before.st_dev) kernel = facts.Find(*dev, before.st_ino);
  }
  HashState verdict = HashState::kUnverified;
  if (kernel) {
    verdict = kernel->size == rec.size && kernel->mtime_ns == rec.mtime_ns ? HashState::kVerified
                                                                          : HashState::kChanged;
  } else if (role == FileRole::kWritten && facts.any()) {
    // The tree wrote this name but the kernel saw no open or close of the
    // inode it holds now: someone replaced the file after the tree did.
    verdict = HashState::kChanged;
  }
  if (verdict == HashState::kChanged) {
    rec.hash_state = verdict;
    return rec;
  }

  bool exec_script = facts.scripts().contains(path);
  bool want_content = rec.size <= capture.max_size && rec.size <= scheme.whole_max &&
                      (role == FileRole::kRead || role == FileRole::kExecuted) &&
                      WantsContent(capture, path, exec_script);
  std::string content;
  Result<std::string> hash = MakeError("not hashed");
  if (want_content) {
    if (ReadAll(fd.get(), *rec.size, content)) hash = HashBytes(content);
  } else {
    hash = HashFd(fd.get(), *rec.size, scheme);
  }
  struct stat after;
  if (!hash || fstat(fd.get(), &after) != 0) {
    rec.hash_state = HashState::kUnreadable;
    return rec;
  }
  if (!SameState(before, after)) {  // written to while we read it
    rec.hash_state = HashState::kChanged;
    return rec;
  }
  rec.hash = std::move(*hash);
  rec.hash_state = verdict;
  if (want_content) rec.content = std::move(content);
  return rec;
}

}  // namespace fantrace::store
