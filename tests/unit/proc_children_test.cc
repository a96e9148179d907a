#include "lib/proc_children.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace fantrace {
namespace {

namespace fs = std::filesystem;

// A /proc look-alike in a temporary directory.
class FakeProc : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/fantrace-proc-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text;
  }
  fs::path root_;
};

TEST_F(FakeProc, StateIsReadAfterTheLastParenthesisOfTheName) {
  Write("10/stat", "10 (we (ird) Z) S 1 10 10 0 -1 4194560");
  Write("11/stat", "11 (sh) Z 1 11 11 0");
  Write("12/stat", "12 (sh) X 1 12 12 0");
  EXPECT_TRUE(ProcessRunning(10, root_));
  EXPECT_FALSE(ProcessRunning(11, root_)) << "a zombie has exited";
  EXPECT_FALSE(ProcessRunning(12, root_));
  EXPECT_FALSE(ProcessRunning(13, root_)) << "no such process";
}

// PF_EXITING (0x4): past its exit tracepoint, perhaps, though not yet a
// zombie; one that stays so (other threads run on) counts as running.
TEST_F(FakeProc, AnExitingProcessIsWaitedFor) {
  Write("14/stat", "14 (sh) S 1 14 14 0 -1 4194564");
  EXPECT_TRUE(ProcessRunning(14, root_));
}

TEST_F(FakeProc, ChildrenOfAllThreadsOnceEach) {
  Write("20/task/20/children", "31 32 ");
  Write("20/task/21/children", "32 33");
  Write("20/task/22/children", "");
  EXPECT_EQ(ChildrenOf(20, root_), (std::vector<pid_t>{31, 32, 33}));
  EXPECT_TRUE(ChildrenOf(99, root_).empty());
}

TEST(ProcChildren, TheRunningTestProcessIsRunning) {
  EXPECT_TRUE(ProcessRunning(getpid()));
}

}  // namespace
}  // namespace fantrace
