#include "lib/shell_status.h"

#include <sys/wait.h>

namespace fantrace {

int ShellStatus(int64_t wait_status) {
  const int status = static_cast<int>(wait_status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

}  // namespace fantrace
