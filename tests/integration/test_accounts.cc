#include "test_accounts.h"

#include <pwd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "process.h"

namespace fantrace::itest {

TestUser EnsureTestUser(const std::string& name) {
  if (!getpwnam(name.c_str()))
    RunUntraced({"useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name});
  passwd* pw = getpwnam(name.c_str());
  if (!pw) {
    ADD_FAILURE() << "cannot create the test user " << name;
    return {};
  }
  return {pw->pw_uid, pw->pw_gid, name};
}

bool SocketAnswers(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

namespace {

std::string TraversableSocketPath(const TempDir& dir) {
  std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all | std::filesystem::perms::group_exec |
                                               std::filesystem::perms::others_exec);
  return dir / "run/fantrace.sock";
}

// True while pid has not exited (a zombie has: it is only not reaped yet).
bool StillRunning(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  size_t end_of_comm = line.rfind(')');
  return end_of_comm != std::string::npos && line.compare(end_of_comm + 2, 1, "Z") != 0;
}

}  // namespace

// Loading can take long on a slow guest, so the wait is generous; a daemon
// that exited (it could not load, say) ends it at once, and the tests that
// need the socket then fail with its message instead of after two minutes.
namespace {
std::vector<std::string> DaemonArgv(const std::string& socket, const std::vector<std::string>& options) {
  std::vector<std::string> argv = {FANTRACED_BIN, "--foreground", "--socket", socket};
  argv.insert(argv.end(), options.begin(), options.end());
  return argv;
}
}  // namespace

TestDaemon::TestDaemon(const std::vector<std::string>& options)
    : socket_(TraversableSocketPath(dir_)), process_(DaemonArgv(socket_, options)) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!SocketAnswers(socket_) && std::chrono::steady_clock::now() < deadline) {
    if (!StillRunning(process_.pid())) {
      ProcessResult r = process_.Wait();
      ADD_FAILURE() << "fantraced exited before serving, status " << r.status << ": " << r.err;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace fantrace::itest
