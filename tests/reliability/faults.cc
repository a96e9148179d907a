// The traced command never depends on the tracer: fantrace killed with
// SIGKILL mid-trace leaves the command running to the same result, and no
// BPF program, map or link of it behind; the same holds after a normal
// exit, whose teardown runs in a detached child.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <thread>

#include "reliability.h"

namespace fantrace::rtest {
namespace {

using namespace std::chrono_literals;

constexpr int kLines = 300;  // about 3 s at one line every 10 ms
constexpr auto kTeardownLimit = 20s;

// What slow_writer leaves in OUT.done when nobody interferes.
std::string ExpectedOutput() {
  std::string text;
  for (int i = 0; i < kLines; ++i) text += "line " + std::to_string(i) + "\n";
  return text;
}

// slow_writer under fantrace, and the ids of fantrace's BPF objects, taken
// once the command has started (it is released only after the probes are
// attached).
struct SlowWriterRun {
  TempDir dir;
  std::string out = dir / "out";
  TracedRun run{{RProg("slow_writer"), out, std::to_string(kLines)}};
  BpfIds ours = OwnBpfObjects();

  BpfIds OwnBpfObjects() const {
    EXPECT_TRUE(WaitForFile(out, 60s)) << "the command never started";
    BpfIds ids = BpfIdsHeldBy(run.pid());
    EXPECT_FALSE(ids.progs.empty() && ids.links.empty()) << "fantrace holds no BPF program";
    EXPECT_FALSE(ids.maps.empty()) << "fantrace holds no BPF map";
    return ids;
  }
  bool Done() const { return access((out + ".done").c_str(), F_OK) == 0; }
};

void ExpectLaterRunWorks() {
  TempDir dir;
  Trace later = itest::TraceRun({itest::Prog("write_file"), dir / "after"});
  ASSERT_EQ(later.status, 0) << later.err;
  EXPECT_EQ(later.ListedUnder("written", dir.path()), Paths{dir / "after"});
}

TEST(Faults, KillNineMidTraceLeavesTheCommandAndNoBpfObjects) {
  FANTRACE_REQUIRE_ROOT();
  SlowWriterRun w;
  std::this_thread::sleep_for(500ms);  // mid-trace: the command has lines to go
  ASSERT_FALSE(w.Done()) << "the command finished too early";
  ASSERT_EQ(kill(w.run.pid(), SIGKILL), 0);
  Trace killed = w.run.Finish(60s, /*allow_bad_output=*/true);
  EXPECT_EQ(killed.status, 128 + SIGKILL);

  // The command, now orphaned, runs on to the end untouched.
  ASSERT_TRUE(WaitForFile(w.out + ".done", 60s)) << "the command did not complete";
  EXPECT_EQ(itest::ReadFile(w.out + ".done"), ExpectedOutput());
  BpfIds left = WaitUntilGone(w.ours, kTeardownLimit);
  EXPECT_TRUE(left.empty()) << "still loaded after " << kTeardownLimit.count()
                            << " s: " << left.Describe() << " (ours: " << w.ours.Describe() << ")";
  // What a killed fantrace leaves is a trace without its summary line,
  // which the jsonl contract calls incomplete.
  if (!killed.events.empty()) {
    EXPECT_NE(killed.events.back().value("type", ""), "summary") << killed.jsonl;
  }
  ExpectLaterRunWorks();
}

TEST(Faults, NormalExitLeavesNoBpfObjects) {
  FANTRACE_REQUIRE_ROOT();
  SlowWriterRun w;
  Trace t = w.run.Finish();
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_EQ(itest::ReadFile(w.out + ".done"), ExpectedOutput());
  EXPECT_EQ(t.Summary().value("lost", -1), 0);

  BpfIds left = WaitUntilGone(w.ours, kTeardownLimit);
  EXPECT_TRUE(left.empty()) << "still loaded after " << kTeardownLimit.count()
                            << " s: " << left.Describe();
}

// SIGTERM goes to the command (fantrace forwards it) and fantrace still
// reports what happened up to then, with the command's 128+15.
TEST(Faults, TermIsForwardedAndTheTraceCompletes) {
  FANTRACE_REQUIRE_ROOT();
  SlowWriterRun w;
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(kill(w.run.pid(), SIGTERM), 0);
  Trace t = w.run.Finish();
  EXPECT_EQ(t.status, 128 + SIGTERM) << t.err;
  EXPECT_EQ(t.Summary().value("exit_code", -1), 128 + SIGTERM);
  EXPECT_FALSE(w.Done()) << "the command was not stopped";
  EXPECT_TRUE(WaitUntilGone(w.ours, kTeardownLimit).empty());
}

}  // namespace
}  // namespace fantrace::rtest
