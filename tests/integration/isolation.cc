// Only the traced tree is reported: not a concurrent fantrace's tree, not
// unrelated processes, and not a setuid program the tree starts.
#include <gtest/gtest.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>

#include "harness.h"

namespace fantrace::itest {
namespace {

constexpr int kLoopFiles = 50;
constexpr const char* kLoopIntervalMs = "20";  // 50 files in about a second

std::vector<std::string> WriteLoop(const TempDir& dir, int files) {
  return {Prog("write_loop"), dir.path(), std::to_string(files), kLoopIntervalMs};
}

TEST(Isolation, ConcurrentTracersSeeOnlyTheirOwnTrees) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir_a, dir_b;
  FantraceRun run_a = StartRun(WriteLoop(dir_a, kLoopFiles));
  FantraceRun run_b = StartRun(WriteLoop(dir_b, kLoopFiles));
  Trace a = run_a.Finish();
  Trace b = run_b.Finish();
  ASSERT_EQ(a.status, 0) << a.err;
  ASSERT_EQ(b.status, 0) << b.err;

  EXPECT_EQ(a.ListedUnder("written", dir_a.path()), NumberedFiles(dir_a, "f_", kLoopFiles));
  EXPECT_EQ(b.ListedUnder("written", dir_b.path()), NumberedFiles(dir_b, "f_", kLoopFiles));
  EXPECT_FALSE(a.MentionsUnder(dir_b.path())) << "run A saw run B's files";
  EXPECT_FALSE(b.MentionsUnder(dir_a.path())) << "run B saw run A's files";
}

TEST(Isolation, UntracedProcessIsNotReported) {
  FANTRACE_REQUIRE_ROOT();
  TempDir traced, outside;
  // Runs for far longer than the trace, so the two overlap throughout;
  // killed when the test ends.
  Process bystander(WriteLoop(outside, 100 * kLoopFiles));
  Trace t = TraceRun(WriteLoop(traced, kLoopFiles));
  ASSERT_EQ(t.status, 0) << t.err;
  ASSERT_TRUE(std::filesystem::exists(outside / "f_0")) << "the bystander never wrote";

  EXPECT_EQ(t.ListedUnder("written", traced.path()), NumberedFiles(traced, "f_", kLoopFiles));
  EXPECT_FALSE(t.MentionsUnder(outside.path())) << "a process outside the tree was traced";
}

// A setuid program started by a traced unprivileged process gains
// privileges the tracer's user may not watch: fantrace stops following it,
// says so with an "untraced" event, and reports none of its files.
TEST(Isolation, SetuidProgramIsNotFollowed) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  struct statvfs fs {};
  ASSERT_EQ(statvfs(dir.path().c_str(), &fs), 0);
  if (fs.f_flag & ST_NOSUID) GTEST_SKIP() << dir.path() << " is mounted nosuid";
  std::filesystem::permissions(dir.path(), std::filesystem::perms::all);  // nobody writes here
  std::string setuid_copy = dir / "setuid_write";
  std::filesystem::copy_file(Prog("setuid_write"), setuid_copy);
  ASSERT_EQ(chown(setuid_copy.c_str(), 0, 0), 0);
  ASSERT_EQ(chmod(setuid_copy.c_str(), 04755), 0);
  std::string before = dir / "before", secret = dir / "secret";

  Trace t = TraceRun({"/bin/sh", "-c", "echo x > " + before + " && exec " + setuid_copy + " " + secret},
                     {"--user", "nobody"});
  ASSERT_EQ(t.status, 0) << t.err;
  ASSERT_NE(Stat(before).st_uid, 0u) << "--user did not drop privileges";
  ASSERT_EQ(Stat(secret).st_uid, 0u) << "the program did not run setuid root";

  long setuid_pid = std::stol(ReadFile(secret));
  std::optional<Json> untraced_event = t.OnlyEventOf("untraced", setuid_pid);
  ASSERT_TRUE(untraced_event);
  EXPECT_EQ((*untraced_event)["reason"], "setuid");
  EXPECT_TRUE(t.EventsOf("exit", setuid_pid).empty()) << "an untraced process has no exit line";
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{before});
  EXPECT_TRUE(t.EventsAtPath(secret).empty()) << "the setuid program's file\n" << t.jsonl;
}

}  // namespace
}  // namespace fantrace::itest
