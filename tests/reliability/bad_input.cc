// Hostile input: malformed options and output targets that cannot be
// written. An error found before the trace starts is one clear message,
// exit 2, and the command never runs; an output that fails while the
// command runs (full disk, closed pipe) is exit 2 after the command has run
// to completion, untouched, and what is left in the file is never passed
// off as complete: its last line is not the summary.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "reliability.h"

namespace fantrace::rtest {
namespace {

using itest::RunFantrace;

// `fantrace run ARGS... -- write_file MARKER`: fails before the command.
void ExpectRefusedBeforeRunning(const std::vector<std::string>& args, const std::string& what) {
  TempDir dir;
  std::string marker = dir / "ran";
  std::vector<std::string> argv = args;
  argv.insert(argv.end(), {"--", itest::Prog("write_file"), marker});
  Trace t = RunFantrace(argv);
  EXPECT_EQ(t.status, 2) << what << ": " << t.err;
  EXPECT_FALSE(t.err.empty()) << what;
  EXPECT_LT(std::count(t.err.begin(), t.err.end(), '\n'), 4) << what << ": " << t.err;
  EXPECT_FALSE(std::filesystem::exists(marker)) << what << " still ran the command";
}

// Cli.BadUsageExits2WithoutRunningTheCommand has --no-such-option,
// --format yaml and --buffer-size lots; these are the rest.
TEST(BadInput, MalformedOptionsAreRefused) {
  FANTRACE_REQUIRE_ROOT();
  const std::vector<std::vector<std::string>> cases{
      {"--buffer-size", "0"},
      {"--buffer-size", "100K"},
      {"--buffer-size", "32K"},
      {"--buffer-size", "-64K"},
      {"--buffer-size", "99999999999999999999"},
      {"--buffer-size", "17179869184G"},
      {"--buffer-size", "64Q"},
      {"--events", "nope"},
      {"--events", ","},
      {"--events", "open,,bogus"},
      {"--include", "relative/path"},
      {"--include", ""},
      {"--exclude", "/" + std::string(300, 'x')},
      {"--user", "no-such-user-fantrace"},
      {"--summary-only", "-o", "/dev/null"},
      {"--format"},
      {"-o"},
  };
  for (const std::vector<std::string>& options : cases) {
    std::vector<std::string> args{"run"};
    args.insert(args.end(), options.begin(), options.end());
    std::string what;
    for (const std::string& o : options) what += o.substr(0, 40) + " ";
    ExpectRefusedBeforeRunning(args, what);
  }
  std::vector<std::string> seventeen{"run"};
  for (int i = 0; i < 17; ++i) seventeen.insert(seventeen.end(), {"--include", "/p" + std::to_string(i)});
  ExpectRefusedBeforeRunning(seventeen, "17 --include");
}

TEST(BadInput, MalformedAttachIsRefused) {
  FANTRACE_REQUIRE_ROOT();
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"attach"}, {"attach", "abc"}, {"attach", "0"},
                                             {"attach", "-5"}, {"attach", "4194305"},
                                             {"attach", "99999999999999999999"}}) {
    Trace t = RunFantrace(args);
    EXPECT_EQ(t.status, 2) << args.back() << ": " << t.err;
    EXPECT_FALSE(t.err.empty()) << args.back();
  }
}

// A directory, or a file on a read-only file system: refused before the
// command starts (root ignores permission bits, so a read-only mount is
// what makes a file read-only here).
TEST(BadInput, UnwritableOutputTargetsAreRefused) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  ExpectRefusedBeforeRunning({"run", "-o", dir.path()}, "a directory as -o");

  std::string ro = dir / "ro";
  std::filesystem::create_directory(ro);
  ASSERT_EQ(mount("tmpfs", ro.c_str(), "tmpfs", 0, "size=64k"), 0) << strerror(errno);
  itest::WriteFile(ro + "/trace.jsonl", "old\n");
  ASSERT_EQ(mount(nullptr, ro.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr), 0) << strerror(errno);
  ExpectRefusedBeforeRunning({"run", "--format", "jsonl", "-o", ro + "/trace.jsonl"},
                             "a file on a read-only mount");
  ExpectRefusedBeforeRunning({"run", "-o", ro + "/new.jsonl"}, "a new file on a read-only mount");
  EXPECT_EQ(itest::ReadFile(ro + "/trace.jsonl"), "old\n");
  umount2(ro.c_str(), MNT_DETACH);
}

// An old file at the -o path, longer than the new trace, is replaced: no
// stale tail follows the summary.
TEST(BadInput, ExistingOutputFileIsReplacedWhole) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string output = dir / "trace.jsonl";
  itest::WriteFile(output, std::string(1 << 20, '#') + "\n{\"type\":\"summary\"}\n");
  Trace t = RunFantrace({"run", "--format", "jsonl", "-o", output, "--", "true"});
  ASSERT_EQ(t.status, 0) << t.err;
  std::string error;
  std::optional<std::vector<Json>> events = itest::ParseJsonl(itest::ReadFile(output), &error);
  ASSERT_TRUE(events) << error;
  ASSERT_FALSE(events->empty());
  EXPECT_EQ(events->back().value("type", ""), "summary");
  EXPECT_EQ(events->back().value("exit_code", -1), 0);
}

// -o is opened (and an existing file truncated) only once the trace is set
// up, so an error found before that (a --buffer-size that is not a power of
// two, BPF refused) leaves the previous file as it was.
TEST(BadInput, FailureBeforeTracingKeepsAnExistingOutput) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string output = dir / "trace.jsonl";
  itest::WriteFile(output, "previous trace\n");
  ExpectRefusedBeforeRunning({"run", "-o", output, "--buffer-size", "100K"}, "bad --buffer-size");
  EXPECT_EQ(itest::ReadFile(output), "previous trace\n");
}

// A shell command that makes many events (5,000 opens and closes, unmerged)
// and leaves DIR/done when it has run to the end.
std::vector<std::string> ManyEventsThenDone(const TempDir& dir) {
  const std::string n = "5000";
  EXPECT_EQ(itest::RunUntraced({itest::Prog("many_files"), "create", dir.path(), n}).status, 0);
  return {"/bin/sh", "-c", itest::Prog("many_files") + " open " + dir.path() + " " + n +
                               " && echo done > " + dir / "done"};
}

void ExpectWriteFailureReported(const Trace& t, const TempDir& dir, const std::string& what) {
  EXPECT_EQ(t.status, 2) << what << ": " << t.err;
  EXPECT_NE(t.err.find("writing the events failed"), std::string::npos) << what << ": " << t.err;
  EXPECT_EQ(itest::ReadFile(dir / "done"), "done\n") << what << ": the command did not complete";
}

TEST(BadInput, FullDiskWhileTracing) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir, work;
  std::string small = dir / "small";
  std::filesystem::create_directory(small);
  ASSERT_EQ(mount("tmpfs", small.c_str(), "tmpfs", 0, "size=64k"), 0) << strerror(errno);
  std::string output = small + "/trace.jsonl";
  std::vector<std::string> args{"run", "--format", "jsonl", "--no-merge", "-o", output, "--"};
  for (const std::string& arg : ManyEventsThenDone(work)) args.push_back(arg);
  Trace t = RunFantrace(args);
  std::string left = itest::ReadFile(output);
  umount2(small.c_str(), MNT_DETACH);
  ExpectWriteFailureReported(t, work, "full tmpfs");

  // What is left: the lines that fit, possibly a cut last line, and never
  // the summary.
  EXPECT_GT(left.size(), 60000u);
  EXPECT_LE(left.size(), 64u * 1024);
  size_t complete = left.rfind('\n') + 1;
  std::string error;
  std::optional<std::vector<Json>> events = itest::ParseJsonl(left.substr(0, complete), &error);
  ASSERT_TRUE(events) << "the complete lines are valid jsonl: " << error;
  ASSERT_FALSE(events->empty());
  EXPECT_NE(events->back().value("type", ""), "summary");
  EXPECT_EQ(left.find("\"type\":\"summary\""), std::string::npos);
  RecordProperty("bytes_left", std::to_string(left.size()));
  RecordProperty("cut_last_line_bytes", std::to_string(left.size() - complete));
}

TEST(BadInput, DevFullAsOutput) {
  FANTRACE_REQUIRE_ROOT();
  TempDir work;
  std::vector<std::string> args{"run", "--format", "jsonl", "--no-merge", "-o", "/dev/full", "--"};
  for (const std::string& arg : ManyEventsThenDone(work)) args.push_back(arg);
  ExpectWriteFailureReported(RunFantrace(args), work, "/dev/full");
}

// `-o -` into a pipe whose reader has gone: EPIPE (SIGPIPE is ignored),
// reported, and the command runs on.
TEST(BadInput, ClosedOutputPipe) {
  FANTRACE_REQUIRE_ROOT();
  TempDir work, capture;
  std::vector<std::string> argv{FANTRACE_BIN, "run", "--format", "jsonl", "--no-merge", "-o", "-", "--"};
  for (const std::string& arg : ManyEventsThenDone(work)) argv.push_back(arg);
  std::vector<char*> c_argv;
  for (std::string& arg : argv) c_argv.push_back(arg.data());
  c_argv.push_back(nullptr);
  std::string err_path = capture / "stderr";
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  close(pipe_fds[0]);  // nobody will ever read
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(pipe_fds[1], 1);
    dup2(err, 2);
    execv(c_argv[0], c_argv.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "fantrace was killed by signal " << WTERMSIG(status);
  Trace t{WEXITSTATUS(status), "", itest::ReadFile(err_path), "", {}};
  ExpectWriteFailureReported(t, work, "closed pipe");
}

}  // namespace
}  // namespace fantrace::rtest
