#include "daemon/peer_check.h"

#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>

namespace fantrace::daemon {
namespace {

// The four ids of a "Uid:" or "Gid:" line of /proc/PID/status.
std::vector<long> StatusIds(const std::string& status, const std::string& key) {
  std::istringstream lines(status);
  std::string line;
  std::vector<long> ids;
  while (std::getline(lines, line)) {
    if (line.rfind(key, 0) != 0) continue;
    std::istringstream fields(line.substr(key.size()));
    long id;
    while (fields >> id) ids.push_back(id);
  }
  return ids;
}

bool AllEqual(const std::vector<long>& ids, long want) {
  if (ids.size() != 4) return false;
  for (long id : ids)
    if (id != want) return false;
  return true;
}

}  // namespace

Status MayTrace(uid_t client_uid, pid_t pid, const std::string& proc_root) {
  if (pid <= 0) return MakeError(fmt::format("{} is not a process id", pid));
  // The pidfd pins the process: if it is still running after the checks,
  // the /proc files read were its own and not those of a reused pid.
  int pidfd = syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0) return MakeError(fmt::format("no process with pid {}", pid));
  std::string dir = fmt::format("{}/{}", proc_root, pid);
  std::ifstream in(dir + "/status");
  std::stringstream text;
  text << in.rdbuf();
  struct stat st{};
  bool stat_ok = stat(dir.c_str(), &st) == 0;
  pollfd p{pidfd, POLLIN, 0};
  bool exited = poll(&p, 1, 0) > 0;
  close(pidfd);
  if (exited || !in || !stat_ok) return MakeError(fmt::format("process {} exited before it could be traced", pid));
  if (client_uid == 0) return Ok{};
  std::vector<long> uids = StatusIds(text.str(), "Uid:");
  std::vector<long> gids = StatusIds(text.str(), "Gid:");
  if (uids.size() != 4 || gids.size() != 4)
    return MakeError(fmt::format("cannot read the credentials of process {}", pid));
  if (!AllEqual(uids, client_uid)) {
    if (uids[0] == long(client_uid))
      return MakeError(fmt::format("process {} runs with another user's privileges (setuid): "
                                   "fantraced does not trace it", pid));
    return MakeError(fmt::format("process {} belongs to another user (uid {}): fantraced traces "
                                 "only your own processes", pid, uids[1]));
  }
  if (!AllEqual(gids, gids[0]))
    return MakeError(fmt::format("process {} runs with another group's privileges (setgid): "
                                 "fantraced does not trace it", pid));
  // /proc/PID belongs to root while a process is not dumpable.
  if (st.st_uid != client_uid)
    return MakeError(fmt::format("process {} is not dumpable (it was setuid, or asked not to be "
                                 "inspected): fantraced does not trace it", pid));
  return Ok{};
}

}  // namespace fantrace::daemon
