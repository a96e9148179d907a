// What the tests of tracing without root share: the unprivileged test users
// (made with useradd when missing) and a fantraced of their own. Root
// only, like every integration test.
#pragma once

#include <sys/types.h>

#include <string>

#include "process.h"

namespace fantrace::itest {

struct TestUser {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
};

// The user `name`, created as a system user without a home if missing; a
// test failure (and a zero user) if it cannot be made.
TestUser EnsureTestUser(const std::string& name);

// True when something accepts connections on the Unix socket at `path`.
bool SocketAnswers(const std::string& path);

// A fantraced of the test's own (--foreground), serving on DIR/run/
// fantrace.sock in a temporary directory every user may pass through;
// killed at the end of its scope. The constructor waits until the socket
// answers: a readiness wait, not a timing check, so it is long (loading and
// verifying the BPF programs takes seconds in an emulated guest on a busy
// machine); a test sees a daemon that never came up through SocketAnswers.
class TestDaemon {
 public:
  // fantraced --foreground --socket (a scratch path) OPTIONS...
  explicit TestDaemon(const std::vector<std::string>& options = {});

  const std::string& socket() const { return socket_; }
  const TempDir& dir() const { return dir_; }

 private:
  TempDir dir_;
  std::string socket_;
  Process process_;
};

}  // namespace fantrace::itest
