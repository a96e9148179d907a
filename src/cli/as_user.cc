#include "cli/as_user.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace fantrace::cli {
namespace {

// What a child ended with, for a message.
std::string DescribeEnd(int wstatus) {
  if (WIFSIGNALED(wstatus)) return fmt::format("killed by signal {}", WTERMSIG(wstatus));
  return fmt::format("exit status {}", WEXITSTATUS(wstatus));
}

// Closes every descriptor from 3 up except `keep`: the child must hold
// none of root's (BPF objects, the daemon's socket, output files).
void CloseAllBut(int keep) {
  if (keep > 3 && close_range(3, keep - 1, 0) != 0) {
    for (int fd = 3; fd < keep; ++fd) close(fd);
  }
  if (close_range(keep + 1, ~0U, 0) != 0) {
    long max = sysconf(_SC_OPEN_MAX);
    for (long fd = keep + 1; fd < (max > 0 && max < 65536 ? max : 65536); ++fd) close(static_cast<int>(fd));
  }
}

// The user's name for messages, or their uid when they have none.
std::string Who(const Credentials& user) { return user.name.empty() ? std::to_string(user.uid) : user.name; }

void WriteAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace

Status BecomeUser(const Credentials& user) {
  // errno is kept for callers that report it (the launcher's child).
  auto failed = [&](const char* what) {
    int err = errno;
    Error e = MakeError(fmt::format("cannot act as user {} ({}): {}", Who(user), what, strerror(err)));
    errno = err;
    return e;
  };
  if (user.name.empty() ? setgroups(1, &user.gid) != 0 : initgroups(user.name.c_str(), user.gid) != 0)
    return failed("setgroups");
  if (setgid(user.gid) != 0) return failed("setgid");
  // As root, setuid sets the real, effective and saved uid and clears the
  // capabilities: there is no way back, which is checked, not assumed.
  if (setuid(user.uid) != 0) return failed("setuid");
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  if (getresuid(&ruid, &euid, &suid) != 0 || getresgid(&rgid, &egid, &sgid) != 0) return failed("getresuid");
  bool dropped = ruid == user.uid && euid == user.uid && suid == user.uid && rgid == user.gid &&
                 egid == user.gid && sgid == user.gid;
  if (!dropped || (user.uid != 0 && setuid(0) == 0)) {
    errno = EPERM;
    return failed("root could still be regained");
  }
  return Ok{};
}

Result<std::string> RunAsUser(const Credentials& user, const std::function<Result<std::string>()>& work) {
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) return MakeError(fmt::format("cannot create a pipe: {}", strerror(errno)));
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    close(pipefd[0]);
    close(pipefd[1]);
    return MakeError(fmt::format("cannot fork: {}", strerror(err)));
  }
  if (pid == 0) {
    CloseAllBut(pipefd[1]);
    Status became = BecomeUser(user);
    Result<std::string> result = became ? work() : Result<std::string>(became.error());
    // One byte says which, then the value or the message.
    WriteAll(pipefd[1], result ? "+" + *result : "-" + result.error().message);
    _exit(result ? 0 : 1);
  }
  close(pipefd[1]);
  std::string reply;
  char buf[4096];
  for (;;) {
    ssize_t n = read(pipefd[0], buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reply.append(buf, static_cast<size_t>(n));
  }
  close(pipefd[0]);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (reply.empty() || (reply[0] == '+' && wstatus != 0))
    return MakeError(fmt::format("the process working as user {} ended without an answer ({})", Who(user),
                                 DescribeEnd(wstatus)));
  if (reply[0] == '-') return MakeError(reply.substr(1));
  return reply.substr(1);
}

}  // namespace fantrace::cli
