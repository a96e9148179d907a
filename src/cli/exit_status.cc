#include "cli/exit_status.h"

#include <sys/wait.h>

namespace fantrace::cli {

int ShellStatus(int wait_status) {
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  return kExitUsage;
}

}  // namespace fantrace::cli
