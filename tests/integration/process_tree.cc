// Following the process tree: children, threads, orphans that outlive their
// parents, exec, and exit statuses.
#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "harness.h"

namespace fantrace::itest {
namespace {

// The pid of the one process that exec'd `path`; -1 (and a failure) if not one.
long ExecPid(const Trace& t, const std::string& path) {
  std::optional<Json> exec_event = t.OnlyEventAt("exec", path);
  return exec_event ? exec_event->value("pid", -1L) : -1;
}

// The pid that opened `path`; -1 (and a failure) unless there is one open.
long OpenerPid(const Trace& t, const std::string& path) {
  std::optional<Json> opened = t.OnlyEventAt("open", path);
  return opened ? opened->value("pid", -1L) : -1;
}

TEST(ProcessTree, ForkedChildWriteAndExitStatus) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "from_child";
  Trace t = TraceRun({Prog("fork_child"), file, "7"});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{file});
  long parent = ExecPid(t, Prog("fork_child"));
  long child = OpenerPid(t, file);
  EXPECT_NE(child, parent);
  std::optional<Json> fork_event = t.OnlyEventOf("fork", child);
  ASSERT_TRUE(fork_event);
  EXPECT_EQ((*fork_event)["ppid"], parent);
  std::optional<Json> exit_event = t.OnlyEventOf("exit", child);
  ASSERT_TRUE(exit_event);
  EXPECT_EQ((*exit_event)["status"], 7);
  EXPECT_EQ(t.Summary()["processes"], 2);
}

TEST(ProcessTree, ThreadWriteBelongsToItsProcess) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "from_thread";
  Trace t = TraceRun({Prog("thread_write"), file});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{file});
  std::optional<Json> opened = t.OnlyEventAt("open", file);
  ASSERT_TRUE(opened);
  EXPECT_EQ((*opened)["pid"], ExecPid(t, Prog("thread_write")));
  EXPECT_NE((*opened)["tid"], (*opened)["pid"]) << "the write came from the second thread";
  EXPECT_TRUE(t.Events("fork").empty()) << "a thread is not a new process\n" << t.jsonl;
  EXPECT_EQ(t.Summary()["processes"], 1);
}

TEST(ProcessTree, WaitsForAnOrphanedGrandchild) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "late";
  Trace t = TraceRun({Prog("double_fork"), file, "700"});
  ASSERT_EQ(t.status, 0) << t.err;
  ASSERT_TRUE(std::filesystem::exists(file)) << "fantrace returned before the grandchild wrote";

  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{file});
  long top = ExecPid(t, Prog("double_fork"));
  long grandchild = OpenerPid(t, file);
  std::optional<Json> grandchild_fork = t.OnlyEventOf("fork", grandchild);
  ASSERT_TRUE(grandchild_fork);
  long child = grandchild_fork->value("ppid", -1L);
  std::optional<Json> child_fork = t.OnlyEventOf("fork", child);
  ASSERT_TRUE(child_fork);
  EXPECT_EQ((*child_fork)["ppid"], top);

  std::optional<Json> top_exit = t.OnlyEventOf("exit", top);
  std::optional<Json> grandchild_exit = t.OnlyEventOf("exit", grandchild);
  ASSERT_TRUE(top_exit && grandchild_exit);
  EXPECT_EQ((*grandchild_exit)["status"], 0);
  EXPECT_GT((*grandchild_exit)["time"], (*top_exit)["time"]) << "the grandchild outlived the top";
  EXPECT_EQ(t.Summary()["processes"], 3);
  EXPECT_EQ(t.Summary()["exit_code"], 0) << "the exit code is the top process's";
}

TEST(ProcessTree, ExecReportsResolvedPathAndArgv) {
  FANTRACE_REQUIRE_ROOT();
  // /bin is a symlink to usr/bin on merged-/usr systems; the exec path is resolved.
  std::string echo = Canonical("/bin/echo");
  Trace t = TraceRun({"/bin/sh", "-c", "/bin/echo hello 'two words'; true"});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_EQ(t.out, "hello two words\n");

  std::optional<Json> exec_event = t.OnlyEventAt("exec", echo);
  ASSERT_TRUE(exec_event);
  EXPECT_EQ((*exec_event)["argv"], Json({"/bin/echo", "hello", "two words"}));
  std::optional<Json> fork_event = t.OnlyEventOf("fork", (*exec_event).value("pid", -1L));
  ASSERT_TRUE(fork_event) << "the shell forked before exec";
  EXPECT_EQ((*fork_event)["ppid"], ExecPid(t, Canonical("/bin/sh")));
  EXPECT_TRUE(t.Lists("executed", echo)) << t.Summary().dump();
}

// The kernel loads the interpreter of a #! script: the exec's path is the
// interpreter and its "script" the script, both executed; the script is
// also opened by the interpreter, so it is an input.
TEST(ProcessTree, ScriptExecRunsItsInterpreter) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string script = dir / "script", out = dir / "out";
  WriteFile(script, "#!/bin/sh\necho from-script > " + out + "\n");
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  Trace t = TraceRun({script});
  ASSERT_EQ(t.status, 0) << t.err;

  std::vector<Json> execs = t.Events("exec");
  ASSERT_EQ(execs.size(), 1u) << t.jsonl;
  EXPECT_EQ(execs[0]["path"], Canonical("/bin/sh"));
  EXPECT_EQ(execs[0]["script"], script);
  EXPECT_TRUE(t.Lists("executed", Canonical("/bin/sh")));
  EXPECT_TRUE(t.Lists("executed", script));
  EXPECT_EQ(t.ListedUnder("read", dir.path()), Paths{script});
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{out});
}

// A script run by a relative name is reported by its absolute path; a plain
// binary's exec has no "script".
TEST(ProcessTree, ScriptByRelativeNameIsAbsolute) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string script = dir / "run.sh";
  WriteFile(script, "#!/bin/sh\n/bin/true\n");
  std::filesystem::permissions(script, std::filesystem::perms::owner_all);
  Trace t = TraceRun({"/bin/sh", "-c", "cd " + dir.path() + " && ./run.sh"});
  ASSERT_EQ(t.status, 0) << t.err;
  int with_script = 0;
  for (const Json& e : t.Events("exec")) {
    if (!e.contains("script")) continue;
    ++with_script;
    EXPECT_EQ(e["script"], script) << e.dump();
  }
  EXPECT_EQ(with_script, 1) << t.jsonl;
  EXPECT_TRUE(t.Lists("executed", script)) << t.Summary().dump();
}

// unshare(1) puts its child in a new pid namespace, where it is pid 1; the
// trace follows it there and reports it by its pid in the initial namespace.
TEST(ProcessTree, FollowsIntoANewPidNamespace) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "namespaced";
  Trace t = TraceRun({"unshare", "--pid", "--fork", Prog("write_file"), file});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{file});
  long writer = OpenerPid(t, file);
  EXPECT_NE(writer, 1) << "pids are those of the initial namespace";
  std::optional<Json> fork_event = t.OnlyEventOf("fork", writer);
  ASSERT_TRUE(fork_event);
  EXPECT_EQ((*fork_event)["ppid"], ExecPid(t, Canonical("/usr/bin/unshare")));
}

// glibc's posix_spawn uses clone(CLONE_VM | CLONE_VFORK), not fork.
TEST(ProcessTree, PosixSpawnedChildIsFollowed) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "spawned";
  Trace t = TraceRun({Prog("spawn_child"), Prog("write_file"), file});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{file});
  long child = ExecPid(t, Prog("write_file"));
  EXPECT_EQ(OpenerPid(t, file), child);
  std::optional<Json> fork_event = t.OnlyEventOf("fork", child);
  ASSERT_TRUE(fork_event);
  EXPECT_EQ((*fork_event)["ppid"], ExecPid(t, Prog("spawn_child")));
}

// 100 arguments of 100 bytes: more than the 4096 argv bytes an exec event
// keeps, so argv is a cut-short prefix and says so.
TEST(ProcessTree, LongArgvIsCutAndMarked) {
  FANTRACE_REQUIRE_ROOT();
  std::vector<std::string> command{"/bin/true"};
  for (int i = 0; i < 100; ++i) command.push_back(std::to_string(i) + std::string(97, 'a'));
  Trace t = TraceRun(command);
  ASSERT_EQ(t.status, 0) << t.err;

  std::optional<Json> exec_event = t.OnlyEventAt("exec", Canonical("/bin/true"));
  ASSERT_TRUE(exec_event);
  EXPECT_EQ((*exec_event)["argv_truncated"], true);
  const Json& argv = (*exec_event)["argv"];
  ASSERT_TRUE(argv.is_array() && !argv.empty() && argv.size() < command.size()) << argv.dump();
  for (size_t i = 0; i + 1 < argv.size(); ++i) EXPECT_EQ(argv[i], command[i]);
  EXPECT_TRUE(command[argv.size() - 1].starts_with(argv.back().get<std::string>()));
}

TEST(ProcessTree, ChildKilledBySignalHasItsStatus) {
  FANTRACE_REQUIRE_ROOT();
  Trace t = TraceRun({"/bin/sh", "-c", "/bin/sh -c 'kill -KILL $$'; exit 0"});
  ASSERT_EQ(t.status, 0) << t.err;
  std::vector<Json> killed;
  for (const Json& exit : t.Events("exit"))
    if (exit["status"] == 128 + SIGKILL) killed.push_back(exit);
  EXPECT_EQ(killed.size(), 1u) << t.jsonl;
}

TEST(ProcessTree, ExitStatusPassesThrough) {
  FANTRACE_REQUIRE_ROOT();
  Trace t = TraceRun({"/bin/sh", "-c", "exit 3"});
  EXPECT_EQ(t.status, 3) << t.err;
  EXPECT_EQ(t.Summary()["exit_code"], 3);
}

TEST(ProcessTree, DeathBySignalIs128PlusSignal) {
  FANTRACE_REQUIRE_ROOT();
  Trace t = TraceRun({"/bin/sh", "-c", "kill -TERM $$"});
  EXPECT_EQ(t.status, 128 + SIGTERM) << t.err;
  EXPECT_EQ(t.Summary()["exit_code"], 128 + SIGTERM);
}

}  // namespace
}  // namespace fantrace::itest
