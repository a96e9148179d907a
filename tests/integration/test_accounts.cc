#include "test_accounts.h"

#include <pwd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
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

}  // namespace

TestDaemon::TestDaemon()
    : socket_(TraversableSocketPath(dir_)), process_({FANTRACED_BIN, "--foreground", "--socket", socket_}) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!SocketAnswers(socket_) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace fantrace::itest
