#include "store/db_location.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fmt/format.h>

namespace fantrace::store {
namespace {

Result<uint32_t> ParseId(const char* text, const char* name) {
  char* end = nullptr;
  errno = 0;
  unsigned long value = strtoul(text, &end, 10);
  if (end == text || *end != '\0' || errno != 0 || value > UINT32_MAX)
    return MakeError(fmt::format("{}='{}' is not a numeric id", name, text));
  return static_cast<uint32_t>(value);
}

}  // namespace

Result<DbOwner> InvokingUser() {
  DbOwner owner;
  owner.uid = getuid();
  owner.gid = getgid();
  const char* sudo_uid = getenv("SUDO_UID");
  const bool for_sudo_user = geteuid() == 0 && sudo_uid && *sudo_uid;
  if (for_sudo_user) {
    Result<uint32_t> uid = ParseId(sudo_uid, "SUDO_UID");
    if (!uid) return uid.error();
    owner.uid = *uid;
    const char* sudo_gid = getenv("SUDO_GID");
    owner.gid = *uid;
    if (sudo_gid && *sudo_gid) {
      Result<uint32_t> gid = ParseId(sudo_gid, "SUDO_GID");
      if (!gid) return gid.error();
      owner.gid = *gid;
    }
  }
  struct passwd* pw = getpwuid(owner.uid);
  if (pw) {
    owner.name = pw->pw_name;
    owner.home = pw->pw_dir;
    if (!sudo_uid) owner.gid = getgid();
  } else {
    owner.name = std::to_string(owner.uid);
  }
  // XDG's default is $HOME/.local/share, and HOME is ours unless we work
  // for the sudo user: sudo leaves root's, so theirs is the password
  // database's.
  const char* home = getenv("HOME");
  if (!for_sudo_user && home && home[0] == '/') owner.home = home;
  if (owner.home.empty())
    return MakeError(fmt::format("user {} has no home directory for the provenance database; give --db PATH",
                                 owner.name));
  return owner;
}

std::string DefaultDatabasePath(const DbOwner& owner) {
  const char* xdg = getenv("XDG_DATA_HOME");
  std::string base = xdg && xdg[0] == '/' ? std::string(xdg) : owner.home + "/.local/share";
  return base + "/fantrace/provenance.db";
}

Status PrepareDatabaseFile(const std::string& path) {
  // The directories that do not exist yet, outermost first.
  std::vector<std::string> missing;
  for (size_t slash = path.rfind('/'); slash != std::string::npos && slash > 0;
       slash = path.rfind('/', slash - 1)) {
    std::string dir = path.substr(0, slash);
    struct stat st;
    if (stat(dir.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) return MakeError(fmt::format("{} is not a directory", dir));
      break;
    }
    if (errno != ENOENT) return MakeError(fmt::format("cannot reach the directory {}: {}", dir, strerror(errno)));
    missing.insert(missing.begin(), dir);
  }
  for (const std::string& dir : missing) {
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return MakeError(fmt::format("cannot create the directory {}: {}", dir, strerror(errno)));
  }
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0 && errno == EEXIST) {
    struct stat st;
    if (stat(path.c_str(), &st) == 0 || errno != ENOENT) return Ok{};  // there (SQLite says if it is unusable)
    // A symlink to nothing: its target is created here, as SQLite would,
    // because SQLite's error ("unable to open database file") says not why.
    fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  }
  if (fd < 0) return MakeError(fmt::format("cannot create the database {}: {}", path, strerror(errno)));
  Status made = Ok{};
  if (fchmod(fd, 0600) != 0) made = MakeError(fmt::format("cannot set mode 0600 on {}: {}", path, strerror(errno)));
  close(fd);
  return made;
}

}  // namespace fantrace::store
