// Starting the traced command so that none of its events is missed: the
// child is forked, drops to the target user, and waits on a pipe until the
// tracer has made it a root of the tree; only then does it exec. A failed
// exec is reported back over a close-on-exec pipe, so "command not found"
// is an error of fantrace, not a silent exit 127 of the child.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli/as_user.h"
#include "fantrace/result.h"

namespace fantrace::cli {

// The user the command runs as: --user NAME if given; else, under sudo, the
// invoking user (SUDO_UID/SUDO_GID), as strace -u would; else unchanged.
Result<std::optional<Credentials>> ResolveUser(const std::string& user_option);

// Searches PATH like execvp(3). Errors say "command not found" or "not
// executable", with ExecErrorStatus() giving 127 or 126.
Result<std::string> FindExecutable(const std::string& command);

class PausedChild {
 public:
  // `setup`, if given, runs in the child first, as root (fantrace replay
  // enters the bundle's namespaces there); it returns 0 or an errno, which
  // fails the start like a failed exec.
  static Result<PausedChild> Start(const std::vector<std::string>& argv,
                                   const std::optional<Credentials>& as_user,
                                   const std::function<int()>& setup = {});
  PausedChild(PausedChild&& other) noexcept;
  ~PausedChild();

  pid_t pid() const { return pid_; }
  // Lets the child exec. On exec failure returns an error (the child has
  // exited with 127 or 126 then; see exec_status()).
  Status Release();
  int exec_status() const { return exec_status_; }

 private:
  PausedChild() = default;
  pid_t pid_ = -1;
  int go_fd_ = -1;      // parent's end: closing it releases the child
  int error_fd_ = -1;   // parent's end: the child's exec errno, or EOF
  int exec_status_ = 0;
};

}  // namespace fantrace::cli
