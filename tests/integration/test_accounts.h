// What the tests of tracing without root share: the unprivileged test users
// (made with useradd when missing) and a check that a daemon's socket
// answers. Root only, like every integration test.
#pragma once

#include <sys/types.h>

#include <string>

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

// Waits until a daemon just started answers on `path`: a readiness wait,
// not a timing check, so it is long (loading and verifying the BPF
// programs takes seconds in an emulated guest on a busy machine). False
// when it never did.
bool WaitUntilSocketAnswers(const std::string& path);

}  // namespace fantrace::itest
