#include "cli/as_user.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <fmt/format.h>

namespace fantrace::cli {
namespace {

// nobody, whom every Debian system has; becoming them needs root.
Credentials Nobody() {
  struct passwd* pw = getpwnam("nobody");
  return pw ? Credentials{pw->pw_uid, pw->pw_gid, pw->pw_name} : Credentials{};
}

#define REQUIRE_ROOT_AND_NOBODY()                                         \
  do {                                                                    \
    if (geteuid() != 0) GTEST_SKIP() << "becoming another user needs root"; \
    if (Nobody().uid == 0) GTEST_SKIP() << "no user nobody";              \
  } while (0)

TEST(AsUser, TheChildIsTheUserForGood) {
  REQUIRE_ROOT_AND_NOBODY();
  const Credentials nobody = Nobody();
  Result<std::string> ids = RunAsUser(nobody, []() -> Result<std::string> {
    uid_t r, e, s;
    gid_t rg, eg, sg;
    getresuid(&r, &e, &s);
    getresgid(&rg, &eg, &sg);
    std::vector<gid_t> groups(64);
    int n = getgroups(static_cast<int>(groups.size()), groups.data());
    bool regained = setuid(0) == 0 || seteuid(0) == 0;
    return fmt::format("{} {} {} {} {} {} {} {}", r, e, s, rg, eg, sg, n >= 1 && groups[0] == rg, regained);
  });
  ASSERT_TRUE(ids) << ids.error().message;
  EXPECT_EQ(*ids, fmt::format("{0} {0} {0} {1} {1} {1} true false", nobody.uid, nobody.gid));
  EXPECT_EQ(geteuid(), 0u) << "the caller stays root";
}

TEST(AsUser, WithoutAPasswordEntryOnlyTheGroupGiven) {
  REQUIRE_ROOT_AND_NOBODY();
  Credentials nameless{Nobody().uid, Nobody().gid, ""};
  Result<std::string> groups = RunAsUser(nameless, []() -> Result<std::string> {
    std::vector<gid_t> list(64);
    int n = getgroups(static_cast<int>(list.size()), list.data());
    return n == 1 ? std::to_string(list[0]) : fmt::format("{} groups", n);
  });
  ASSERT_TRUE(groups) << groups.error().message;
  EXPECT_EQ(*groups, std::to_string(nameless.gid));
}

TEST(AsUser, TheChildHoldsNoDescriptorOfTheCaller) {
  REQUIRE_ROOT_AND_NOBODY();
  int fd = open("/dev/null", O_RDONLY);  // without O_CLOEXEC: fork alone would pass it on
  ASSERT_GE(fd, 0);
  Result<std::string> state = RunAsUser(Nobody(), [fd]() -> Result<std::string> {
    return std::string(fcntl(fd, F_GETFD) < 0 && errno == EBADF ? "closed" : "open");
  });
  close(fd);
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(*state, "closed");
}

TEST(AsUser, ErrorsOfTheWorkComeBackAsErrors) {
  REQUIRE_ROOT_AND_NOBODY();
  Result<std::string> r = RunAsUser(Nobody(), []() -> Result<std::string> { return MakeError("it failed"); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "it failed");
  Result<std::string> empty = RunAsUser(Nobody(), []() -> Result<std::string> { return std::string(); });
  ASSERT_TRUE(empty) << empty.error().message;
  EXPECT_EQ(*empty, "");
}

TEST(AsUser, AChildThatDiesSaysSo) {
  REQUIRE_ROOT_AND_NOBODY();
  Result<std::string> r = RunAsUser(Nobody(), []() -> Result<std::string> { _exit(3); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "the process working as user nobody ended without an answer (exit status 3)");
}

TEST(AsUser, WithoutRootTheWorkNeverRuns) {
  // As an ordinary user; under root the check runs in a child that has
  // become nobody for good first. Its exit status says what happened.
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (geteuid() == 0 && !BecomeUser(Nobody())) _exit(3);
    Credentials other{getuid() + 1, getgid() + 1, ""};
    Result<std::string> r = RunAsUser(other, []() -> Result<std::string> { return std::string("ran"); });
    if (r) _exit(1);
    _exit(r.error().message.find("cannot act as user") == std::string::npos ? 2 : 0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: the work ran as another user; 2: the error did not say why; "
                                       "3: the test could not become nobody";
}

}  // namespace
}  // namespace fantrace::cli
