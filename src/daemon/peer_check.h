// Who may trace what through fantraced: the rule ptrace applies, checked by
// the daemon (root) on behalf of a client. A client may trace a process only
// when the process's real, effective, saved and file-system uids are all the
// client's, its gids are all the same (no setgid), and it is dumpable; root
// may trace any process. Reads /proc; thread-safe.
#pragma once

#include <sys/types.h>

#include <string>

#include "fantrace/result.h"

namespace fantrace::daemon {

// Ok, or an error that says in words why uid may not trace pid.
Status MayTrace(uid_t client_uid, pid_t pid, const std::string& proc_root = "/proc");

}  // namespace fantrace::daemon
