// Fork and thread storms: every process the tree creates has its fork and
// its exit, with the right parent and status; the trace ends with the last
// task, not the command; and the kernel maps keep no entry of an exited
// process. Reduced sizes by default, the sizes with FANTRACE_STRESS=1.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <thread>

#include "reliability.h"

namespace fantrace::rtest {
namespace {

using namespace std::chrono_literals;

constexpr auto kStormTimeout = 600s;

bool IsRunning(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_field, comm, state;
  stat >> pid_field >> comm >> state;
  return stat && state != "Z";
}

// Runs fork_storm under fantrace. While only the "last" process is left,
// checks that fantrace still runs and what its maps hold; then releases it.
void CheckForkStorm(int processes, bool exec_children) {
  TempDir dir;
  std::vector<std::string> command{RProg("fork_storm"), std::to_string(processes), dir.path()};
  if (exec_children) command.push_back("exec");
  TracedRun run(command);

  ASSERT_TRUE(WaitForFile(dir / "last_pid", kStormTimeout)) << "the storm never ended";
  std::this_thread::sleep_for(300ms);  // the root and the middle process exit meanwhile
  EXPECT_TRUE(IsRunning(run.pid())) << "fantrace ended before the last process";
  std::map<std::string, uint32_t> maps = MapNames(BpfIdsHeldBy(run.pid()));
  std::map<std::string, long> entries;
  for (const char* name : {"procs", "files"})
    entries[name] = maps.count(name) ? MapEntries(maps[name]) : -1;
  itest::WriteFile(dir / "go", "");
  auto released = std::chrono::steady_clock::now();
  Trace t = run.Finish(kStormTimeout);
  auto ended = std::chrono::steady_clock::now();
  ASSERT_EQ(t.status, 0) << t.err;
  ASSERT_TRUE(std::filesystem::exists(dir / "last_done"));
  EXPECT_LT(ended - released, 5s) << "fantrace did not end with the last process";

  // Kernel state with one process left in the tree: that one process.
  EXPECT_EQ(entries["procs"], 1) << "procs entries of exited processes";
  ::testing::Test::RecordProperty("files_entries_at_end", std::to_string(entries["files"]));

  EXPECT_EQ(t.Summary().value("lost", -1L), 0);
  EXPECT_EQ(LostInEvents(t), 0);
  const long root = t.Events("exec").empty() ? -1 : t.Events("exec")[0].value("pid", -1L);
  const long last = std::stol(itest::ReadFile(dir / "last_pid"));

  // Fork events: the storm's children in order, then the middle process
  // (its child "last" is forked by it).
  std::vector<Json> forks = t.Events("fork");
  ASSERT_EQ(forks.size(), static_cast<size_t>(processes) + 2) << "fork events";
  std::map<long, int> expected_status{{root, 0}};
  for (int i = 0; i < processes; ++i) {
    EXPECT_EQ(forks[i].value("ppid", -1L), root) << forks[i].dump();
    expected_status[forks[i].value("pid", -1L)] = i % 100;
  }
  long middle = forks[processes].value("pid", -1L);
  expected_status[middle] = 0;
  EXPECT_EQ(forks[processes + 1].value("pid", -1L), last);
  EXPECT_EQ(forks[processes + 1].value("ppid", -1L), middle);
  expected_status[last] = 0;
  ASSERT_EQ(expected_status.size(), static_cast<size_t>(processes) + 3) << "a pid was reused";

  // Exactly one exit per process, with its status; the last one's is last.
  std::vector<Json> exits = t.Events("exit");
  EXPECT_EQ(exits.size(), expected_status.size());
  std::map<long, int> exits_seen;
  for (const Json& exit_event : exits) {
    long pid = exit_event.value("pid", -1L);
    ++exits_seen[pid];
    auto it = expected_status.find(pid);
    ASSERT_NE(it, expected_status.end()) << "exit of a process never forked: " << exit_event.dump();
    EXPECT_EQ(exit_event.value("status", -1), it->second) << exit_event.dump();
  }
  for (const auto& [pid, count] : exits_seen) EXPECT_EQ(count, 1) << "exits of pid " << pid;
  ASSERT_FALSE(exits.empty());
  EXPECT_EQ(exits.back().value("pid", -1L), last) << "the last exit is the last process's";
  EXPECT_EQ(t.Summary().value("processes", -1L), processes + 3);
  EXPECT_EQ(t.Events("exec").size(), exec_children ? processes + 1u : 1u);
  EXPECT_TRUE(t.Lists("written", dir / "last_done"));
}

TEST(Storm, ForkStormIsFollowedCompletely) {
  FANTRACE_REQUIRE_ROOT();
  CheckForkStorm(Sized(2000, 20000), /*exec_children=*/false);
}

TEST(Storm, ExecStormIsFollowedCompletely) {
  FANTRACE_REQUIRE_ROOT();
  CheckForkStorm(Sized(1000, 20000), /*exec_children=*/true);
}

// Threads get no fork event, but each of them forks a child: every child
// is traced with the process (not the thread) as its parent, and every
// thread's write carries its own tid.
TEST(Storm, ThousandThreadsForkingAreFollowed) {
  FANTRACE_REQUIRE_ROOT();
  const int threads = Sized(200, 1000);
  TempDir dir;
  Trace t = TracedRun({RProg("thread_storm"), std::to_string(threads), dir.path()}).Finish(
      kStormTimeout);
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_EQ(t.Summary().value("lost", -1L), 0);

  ASSERT_EQ(t.Events("exec").size(), 1u);
  const long root = t.Events("exec")[0].value("pid", -1L);
  std::vector<Json> forks = t.Events("fork");
  EXPECT_EQ(forks.size(), static_cast<size_t>(threads));
  std::set<long> children;
  for (const Json& fork : forks) {
    EXPECT_EQ(fork.value("ppid", -1L), root) << fork.dump();
    children.insert(fork.value("pid", -1L));
  }
  EXPECT_EQ(children.size(), static_cast<size_t>(threads));
  std::vector<Json> exits = t.Events("exit");
  EXPECT_EQ(exits.size(), static_cast<size_t>(threads) + 1);
  for (const Json& exit_event : exits) {
    long pid = exit_event.value("pid", -1L);
    EXPECT_TRUE(pid == root || children.count(pid)) << exit_event.dump();
    EXPECT_EQ(exit_event.value("status", -1), pid == root ? 0 : 3) << exit_event.dump();
  }

  EXPECT_EQ(t.ListedUnder("written", dir.path()), itest::NumberedFiles(dir, "t_", threads));
  std::set<long> writer_tids;
  for (const Json& open : t.Events("open"))
    if (itest::IsUnder(open.value("path", ""), dir.path())) {
      EXPECT_EQ(open.value("pid", -1L), root);
      writer_tids.insert(open.value("tid", -1L));
    }
  EXPECT_EQ(writer_tids.size(), static_cast<size_t>(threads)) << "one tid per thread";
  EXPECT_FALSE(writer_tids.count(root)) << "the main thread wrote nothing";
}

}  // namespace
}  // namespace fantrace::rtest
