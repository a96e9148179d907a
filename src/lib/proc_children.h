// What /proc says about a process: whether it still runs, and its children.
// Used to add a running process together with the descendants it already
// has ("fantrace attach"). Plain functions over /proc; thread-safe.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace fantrace {

// True while the process exists and has not exited (a zombie has).
bool ProcessRunning(pid_t pid, const std::string& proc_root = "/proc");

// The children of every thread of the process, from
// /proc/PID/task/TID/children; empty when the process is gone.
std::vector<pid_t> ChildrenOf(pid_t pid, const std::string& proc_root = "/proc");

}  // namespace fantrace
