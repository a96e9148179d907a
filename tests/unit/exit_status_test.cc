#include "lib/shell_status.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

namespace {

TEST(ShellStatus, ExitCodePassesThrough) {
  EXPECT_EQ(fantrace::ShellStatus(W_EXITCODE(0, 0)), 0);
  EXPECT_EQ(fantrace::ShellStatus(W_EXITCODE(3, 0)), 3);
  EXPECT_EQ(fantrace::ShellStatus(W_EXITCODE(255, 0)), 255);
}

TEST(ShellStatus, SignalBecomes128PlusN) {
  EXPECT_EQ(fantrace::ShellStatus(W_EXITCODE(0, SIGKILL)), 128 + SIGKILL);
  EXPECT_EQ(fantrace::ShellStatus(W_EXITCODE(0, SIGTERM)), 128 + SIGTERM);
}

}  // namespace
