#include "cli/launcher.h"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "cli/exit_status.h"

namespace fantrace::cli {
namespace {

bool IsExecutableFile(const std::string& path) {
  struct stat st{};
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

void WriteAll(int fd, const void* data, size_t len) {
  while (write(fd, data, len) < 0 && errno == EINTR) {
  }
}

[[noreturn]] void ChildFail(int error_fd, int err) {
  WriteAll(error_fd, &err, sizeof(err));
  _exit(err == ENOENT ? kExitNotFound : kExitNotExecutable);
}

}  // namespace

Result<std::optional<Credentials>> ResolveUser(const std::string& user_option) {
  if (!user_option.empty()) {
    errno = 0;
    struct passwd* pw = getpwnam(user_option.c_str());
    if (!pw) {
      char* end = nullptr;
      long uid = strtol(user_option.c_str(), &end, 10);
      if (*end == '\0' && uid >= 0) pw = getpwuid(uid);
    }
    if (!pw) return MakeError(fmt::format("--user {}: no such user", user_option));
    return std::optional<Credentials>(Credentials{pw->pw_uid, pw->pw_gid, pw->pw_name});
  }
  const char* sudo_uid = getenv("SUDO_UID");
  if (geteuid() != 0 || !sudo_uid) return std::optional<Credentials>();
  char* end = nullptr;
  long uid = strtol(sudo_uid, &end, 10);
  if (*end != '\0' || uid < 0) return MakeError(fmt::format("SUDO_UID={} is not a user id", sudo_uid));
  Credentials creds{static_cast<uid_t>(uid), 0, ""};
  if (struct passwd* pw = getpwuid(creds.uid)) {
    creds.gid = pw->pw_gid;
    creds.name = pw->pw_name;
  }
  if (const char* sudo_gid = getenv("SUDO_GID")) creds.gid = static_cast<gid_t>(strtol(sudo_gid, nullptr, 10));
  return std::optional<Credentials>(creds);
}

Result<std::string> FindExecutable(const std::string& command) {
  if (command.find('/') != std::string::npos) {
    if (access(command.c_str(), F_OK) != 0)
      return MakeError(fmt::format("{}: no such file", command));
    if (!IsExecutableFile(command))
      return MakeError(fmt::format("{}: not an executable file", command));
    return command;
  }
  const char* path_env = getenv("PATH");
  std::string path = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    std::string dir = path.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + command;
    if (IsExecutableFile(candidate)) return candidate;
    start = end + 1;
  }
  return MakeError(fmt::format("{}: command not found", command));
}

Result<PausedChild> PausedChild::Start(const std::vector<std::string>& argv,
                                       const std::optional<Credentials>& as_user,
                                       const std::function<int()>& setup) {
  int go[2], err[2];
  if (pipe2(go, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
    return MakeError(fmt::format("cannot create a pipe: {}", strerror(errno)));

  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) return MakeError(fmt::format("cannot fork: {}", strerror(errno)));
  if (pid == 0) {
    close(go[1]);
    close(err[0]);
    signal(SIGINT, SIG_DFL);
    signal(SIGQUIT, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    if (setup) {
      if (int setup_errno = setup(); setup_errno != 0) ChildFail(err[1], setup_errno);
    }
    if (as_user && !BecomeUser(*as_user)) ChildFail(err[1], errno);
    char byte;
    while (read(go[0], &byte, 1) < 0 && errno == EINTR) {
    }
    execvp(args[0], args.data());
    ChildFail(err[1], errno);
  }
  close(go[0]);
  close(err[1]);
  PausedChild child;
  child.pid_ = pid;
  child.go_fd_ = go[1];
  child.error_fd_ = err[0];
  return child;
}

PausedChild::PausedChild(PausedChild&& other) noexcept
    : pid_(other.pid_), go_fd_(other.go_fd_), error_fd_(other.error_fd_),
      exec_status_(other.exec_status_) {
  other.go_fd_ = other.error_fd_ = -1;
}

PausedChild::~PausedChild() {
  if (go_fd_ >= 0) close(go_fd_);
  if (error_fd_ >= 0) close(error_fd_);
}

Status PausedChild::Release() {
  close(go_fd_);
  go_fd_ = -1;
  int child_errno = 0;
  ssize_t n;
  while ((n = read(error_fd_, &child_errno, sizeof(child_errno))) < 0 && errno == EINTR) {
  }
  close(error_fd_);
  error_fd_ = -1;
  if (n <= 0) return Ok{};  // EOF: the exec succeeded
  exec_status_ = child_errno == ENOENT ? kExitNotFound : kExitNotExecutable;
  return MakeError(fmt::format("cannot run the command: {}", strerror(child_errno)));
}

}  // namespace fantrace::cli
