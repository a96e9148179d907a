// --backend fanotify against --backend ebpf: the same real commands under
// each backend must give the same read, written, deleted and executed sets
// (each scenario states them once, and both backends are held to them).
// The host kernel has no FAN_TRACE, so the fanotify instances skip there;
// the patched guest (tests/kernels/fantrace-kernel) has no BPF, so the
// ebpf instances skip there. Between them every scenario runs on both.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <optional>

#include "harness.h"

namespace fantrace::itest {
namespace {

// What `fantrace doctor` says about this kernel, asked once.
struct Backends {
  bool ebpf = false;
  bool fanotify = false;
};

const Backends& Available() {
  static const Backends b = [] {
    Backends r;
    Trace d = RunFantrace({"doctor"});
    r.fanotify = d.out.find("fan_trace: yes") != std::string::npos;
    r.ebpf = d.out.find("backend: ebpf") != std::string::npos;
    return r;
  }();
  return b;
}

// The canonical path of a command found on PATH (busybox in the guest).
std::string Which(const std::string& name) {
  std::string path = getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = std::min(path.find(':', start), path.size());
    std::string candidate = path.substr(start, end - start) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return Canonical(candidate);
    start = end + 1;
  }
  ADD_FAILURE() << name << " is not on PATH";
  return "";
}

Paths Sorted(Paths p) {
  std::sort(p.begin(), p.end());
  p.erase(std::unique(p.begin(), p.end()), p.end());
  return p;
}

class FanotifyBackend : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root";
    if (GetParam() == "fanotify" && !Available().fanotify)
      GTEST_SKIP() << "this kernel has no FAN_TRACE (fanotify_init refuses it): the patched guest of "
                      "tests/kernels/run fantrace-6.12 runs these";
    if (GetParam() == "ebpf" && !Available().ebpf) GTEST_SKIP() << "the eBPF engine cannot run on this kernel";
  }
  Trace Run(const std::string& script) {
    Trace t = TraceRun({"sh", "-c", script}, {"--backend", GetParam()});
    EXPECT_EQ(t.status, 0) << t.err;
    return t;
  }
  // The executed set, less what the shell's dynamic loading may add.
  static Paths Executed(const Trace& t, const Paths& wanted) {
    Paths got;
    for (const std::string& p : t.Listed("executed"))
      if (std::find(wanted.begin(), wanted.end(), p) != wanted.end()) got.push_back(p);
    return Sorted(got);
  }
  TempDir dir_;
};

TEST_P(FanotifyBackend, CopyReadsItsInputAndWritesItsOutput) {
  WriteFile(dir_ / "in", "data\n");
  Trace t = Run("cat " + dir_ / "in" + " > " + dir_ / "out");
  EXPECT_EQ(t.ListedUnder("read", dir_.path()), Paths{dir_ / "in"}) << t.jsonl;
  EXPECT_EQ(t.ListedUnder("written", dir_.path()), Paths{dir_ / "out"}) << t.jsonl;
  EXPECT_EQ(t.ListedUnder("deleted", dir_.path()), Paths{}) << t.jsonl;
  Paths tools = Sorted({Which("sh"), Which("cat")});
  EXPECT_EQ(Executed(t, tools), tools) << t.jsonl;
  EXPECT_EQ(ReadFile(dir_ / "out"), "data\n");
}

TEST_P(FanotifyBackend, OverwriteIsAWriteNotARead) {
  WriteFile(dir_ / "f", "old\n");
  Trace t = Run("echo new > " + dir_ / "f");
  EXPECT_EQ(t.ListedUnder("read", dir_.path()), Paths{}) << t.jsonl;
  EXPECT_EQ(t.ListedUnder("written", dir_.path()), Paths{dir_ / "f"}) << t.jsonl;
}

TEST_P(FanotifyBackend, RemovedFileIsDeleted) {
  WriteFile(dir_ / "gone", "x");
  Trace t = Run("rm " + dir_ / "gone");
  EXPECT_EQ(t.ListedUnder("deleted", dir_.path()), Paths{dir_ / "gone"}) << t.jsonl;
  EXPECT_EQ(t.ListedUnder("written", dir_.path()), Paths{}) << t.jsonl;
  EXPECT_EQ(t.EventsAt("unlink", dir_ / "gone").size(), 1u) << t.jsonl;
}

TEST_P(FanotifyBackend, WriteThenRenameListsOnlyTheFinalName) {
  Trace t = Run("echo x > " + dir_ / "tmp" + " && mv " + dir_ / "tmp" + " " + dir_ / "final");
  EXPECT_EQ(t.ListedUnder("written", dir_.path()), Paths{dir_ / "final"}) << t.jsonl;
  EXPECT_EQ(t.ListedUnder("read", dir_.path()), Paths{}) << t.jsonl;
  ASSERT_EQ(t.Events("rename").size(), 1u) << t.jsonl;
  EXPECT_EQ(t.Events("rename")[0]["from"], dir_ / "tmp");
}

TEST_P(FanotifyBackend, DirectoriesMadeAndRemovedByName) {
  Trace t = Run("mkdir " + dir_ / "d" + " && rmdir " + dir_ / "d");
  EXPECT_EQ(t.EventsAt("mkdir", dir_ / "d").size(), 1u) << t.jsonl;
  EXPECT_EQ(t.EventsAt("rmdir", dir_ / "d").size(), 1u) << t.jsonl;
}

TEST_P(FanotifyBackend, ChildProcessesAreFollowedToTheEnd) {
  WriteFile(dir_ / "a", "a");
  // A background child outlives its parent shell: the trace ends with it.
  Trace t = Run("(sleep 1; cat " + dir_ / "a" + " > " + dir_ / "b" + ") &");
  EXPECT_EQ(t.ListedUnder("read", dir_.path()), Paths{dir_ / "a"}) << t.jsonl;
  EXPECT_EQ(t.ListedUnder("written", dir_.path()), Paths{dir_ / "b"}) << t.jsonl;
}

TEST_P(FanotifyBackend, EventsKeepTheJsonlContract) {
  WriteFile(dir_ / "in", "x");
  Trace t = Run("cat " + dir_ / "in");
  ASSERT_FALSE(t.events.empty());
  for (const Json& e : t.events) {
    ASSERT_TRUE(e.contains("type")) << e.dump();
    if (e["type"] == "summary") continue;
    EXPECT_TRUE(e.contains("time") && e.contains("pid") && e.contains("tid")) << e.dump();
  }
  std::vector<Json> opens = t.EventsAt("open", dir_ / "in");
  ASSERT_EQ(opens.size(), 1u) << t.jsonl;
  EXPECT_EQ(opens[0]["access"], "read");
  EXPECT_EQ(t.Summary()["lost"], 0);
  if (GetParam() == "fanotify") {
    EXPECT_NE(t.err.find("warning: --backend fanotify reports no fork and exit events"), std::string::npos) << t.err;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, FanotifyBackend, ::testing::Values("ebpf", "fanotify"),
                         [](const auto& info) { return info.param; });

// Where the kernel lacks the mode, asking for it is one clear line and exit 2.
TEST(FanotifyBackendRefusal, WithoutFanTraceExits2WithOneLine) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  if (Available().fanotify) GTEST_SKIP() << "this kernel has FAN_TRACE";
  Trace t = RunFantrace({"run", "--backend", "fanotify", "--", "true"});
  EXPECT_EQ(t.status, 2) << t.err;
  EXPECT_NE(t.err.find("FAN_TRACE"), std::string::npos) << t.err;
  EXPECT_EQ(std::count(t.err.begin(), t.err.end(), '\n'), 1) << t.err;
  Trace d = RunFantrace({"doctor"});
  EXPECT_NE(d.out.find("fan_trace: no"), std::string::npos) << d.out;
}

// $FANTRACE_BACKEND is --backend's default: the same refusal without the
// option, the option wins over it, and a value that is no backend is an
// error before anything runs.
TEST(FanotifyBackendRefusal, EnvironmentSetsTheDefaultBackend) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  if (Available().fanotify) GTEST_SKIP() << "this kernel has FAN_TRACE";
  auto run = [](const std::string& env, std::vector<std::string> args) {
    std::vector<std::string> argv{"env", "FANTRACE_BACKEND=" + env, FANTRACE_BIN, "run"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunUntraced(argv);
  };
  ProcessResult from_env = run("fanotify", {"--", "true"});
  EXPECT_EQ(from_env.status, 2) << from_env.err;
  EXPECT_NE(from_env.err.find("FAN_TRACE"), std::string::npos) << from_env.err;
  ProcessResult option_wins = run("fanotify", {"--backend", "ebpf", "--no-summary", "--", "true"});
  EXPECT_EQ(option_wins.status, 0) << option_wins.err;
  ProcessResult bogus = run("bpf", {"--", "true"});
  EXPECT_EQ(bogus.status, 2) << bogus.err;
  EXPECT_NE(bogus.err.find("bpf"), std::string::npos) << bogus.err;
}

// Where only FAN_TRACE can trace (the patched guest), doctor says so and
// --backend auto takes it.
TEST(FanotifyBackendAuto, DoctorAndAutoChooseFanotifyWithoutBpf) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  if (!Available().fanotify || Available().ebpf)
    GTEST_SKIP() << "needs a kernel with FAN_TRACE and without BPF (the patched guest)";
  Trace d = RunFantrace({"doctor"});
  EXPECT_EQ(d.status, 0) << d.out << d.err;
  EXPECT_NE(d.out.find("backend: fanotify"), std::string::npos) << d.out;
  TempDir dir;
  WriteFile(dir / "in", "x");
  Trace t = TraceRun({"cat", dir / "in"});  // no --backend: auto
  EXPECT_EQ(t.status, 0) << t.err;
  EXPECT_EQ(t.ListedUnder("read", dir.path()), Paths{dir / "in"}) << t.jsonl;
  EXPECT_NE(t.err.find("--backend fanotify reports no fork"), std::string::npos) << t.err;
}

}  // namespace
}  // namespace fantrace::itest
