// The fsatrace command (fantrace under fsatrace's name and command line):
// its lines, flags, duplicate handling, output and exit status, as root in
// process and as an ordinary user through fantraced; and a Shake-style
// reading of a real compile's lines against fantrace's own jsonl summary.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "harness.h"
#include "test_accounts.h"

namespace fantrace::itest {
namespace {

// The link the build makes beside fantrace.
std::string FsatraceBin() {
  std::string fantrace = FANTRACE_BIN;
  return fantrace.substr(0, fantrace.rfind('/') + 1) + "fsatrace";
}

std::vector<std::string> Fsatrace(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {FsatraceBin()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool IsRegularFile(const std::string& path) {
  struct stat st {};
  return lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

using PathSet = std::set<std::string>;

// What Shake makes of fsatrace's lines: reads are the r| paths, writes the
// w| paths and the destinations of m|; both only for files that exist
// afterwards, and a file the command wrote is not one of its inputs.
struct ReadsWrites {
  PathSet reads, writes;
};

ReadsWrites ShakeParse(const std::string& output) {
  PathSet r, w;
  for (const std::string& line : Lines(output)) {
    if (line.size() < 3 || line[1] != '|') continue;
    std::string path = line.substr(2);
    if (line[0] == 'r') r.insert(path);
    if (line[0] == 'w') w.insert(path);
    if (line[0] == 'm') w.insert(path.substr(0, path.find('|')));
  }
  ReadsWrites out;
  for (const std::string& p : w)
    if (IsRegularFile(p)) out.writes.insert(p);
  for (const std::string& p : r)
    if (IsRegularFile(p) && !out.writes.count(p)) out.reads.insert(p);
  return out;
}

// The same sets from fantrace's jsonl summary: fsatrace counts executed
// programs as read.
ReadsWrites FromSummary(const Trace& t) {
  ReadsWrites out;
  for (const std::string& p : t.Listed("written")) out.writes.insert(p);
  for (const char* list : {"read", "executed"})
    for (const std::string& p : t.Listed(list))
      if (IsRegularFile(p) && !out.writes.count(p)) out.reads.insert(p);
  return out;
}

std::string Show(const PathSet& set) {
  std::string s;
  for (const std::string& p : set) s += "  " + p + "\n";
  return s;
}

TEST(Fsatrace, ACompileReadsAndWritesWhatTheJsonlSummarySays) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  WriteFile(dir / "x.h", "#define X 42\n");
  WriteFile(dir / "x.c", "#include \"x.h\"\nint x(void) { return X; }\n");
  const std::vector<std::string> compile = {"gcc", "-c", dir / "x.c", "-o", dir / "x.o"};

  Trace summary = TraceRun(compile, {"--no-summary"});
  ASSERT_EQ(summary.status, 0) << summary.err;
  ProcessResult shim = RunUntraced(Fsatrace([&] {
    std::vector<std::string> a = {"rwmd", "-", "--"};
    a.insert(a.end(), compile.begin(), compile.end());
    return a;
  }()));
  ASSERT_EQ(shim.status, 0) << shim.err;

  ReadsWrites lines = ShakeParse(shim.out);
  ReadsWrites expected = FromSummary(summary);
  EXPECT_TRUE(lines.reads.count(dir / "x.c") && lines.reads.count(dir / "x.h")) << Show(lines.reads);
  EXPECT_EQ(lines.writes, PathSet{dir / "x.o"}) << Show(lines.writes);
  EXPECT_EQ(lines.reads, expected.reads) << "fsatrace lines:\n" << Show(lines.reads) << "jsonl summary:\n"
                                         << Show(expected.reads);
  EXPECT_EQ(lines.writes, expected.writes);
}

TEST(Fsatrace, WritesLinesToStandardOutputAndExitsWithTheCommandsStatus) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  WriteFile(dir / "in", "data\n");
  ProcessResult r = RunUntraced(Fsatrace({"rw", "-", "--", "/bin/sh", "-c", "cat " + dir / "in" + " > " + dir / "out; exit 3"}));
  EXPECT_EQ(r.status, 3) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "r|" + dir / "in"), lines.end()) << r.out;
  EXPECT_NE(std::find(lines.begin(), lines.end(), "w|" + dir / "out"), lines.end()) << r.out;
  EXPECT_EQ(r.err, "") << "no summary: build systems show a command's stderr";
}

TEST(Fsatrace, FlagsPickTheLineKinds) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  WriteFile(dir / "a", "a\n");
  WriteFile(dir / "gone", "g\n");
  const std::string script = "cat " + dir / "a" + " > /dev/null; mv " + dir / "a" + " " + dir / "b; rm " + dir / "gone";
  ProcessResult moves = RunUntraced(Fsatrace({"m", "-", "--", "/bin/sh", "-c", script}));
  EXPECT_EQ(Lines(moves.out), std::vector<std::string>{"m|" + dir / "b" + "|" + dir / "a"}) << moves.out;
  WriteFile(dir / "a", "a\n");
  WriteFile(dir / "gone", "g\n");
  ProcessResult deletes = RunUntraced(Fsatrace({"d", "-", "--", "/bin/sh", "-c", script}));
  EXPECT_EQ(Lines(deletes.out), std::vector<std::string>{"d|" + dir / "gone"}) << deletes.out;
  ProcessResult reads = RunUntraced(Fsatrace({"r", "-", "--", "/bin/sh", "-c", "cat " + dir / "b" + " > " + dir / "c"}));
  std::vector<std::string> read_lines = Lines(reads.out);
  EXPECT_NE(std::find(read_lines.begin(), read_lines.end(), "r|" + dir / "b"), read_lines.end()) << reads.out;
  for (const std::string& line : read_lines) EXPECT_EQ(line.substr(0, 2), "r|") << reads.out;
}

// `echo x > out` makes three w|out lines in a row (the creating open, the
// write, the close): fsatrace keeps one after "--" and all after "---".
TEST(Fsatrace, AdjacentDuplicatesAreDroppedAfterTwoDashesOnly) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  const std::string line = "w|" + dir / "out";
  const std::vector<std::string> command = {"/bin/sh", "-c", "echo x > " + dir / "out"};
  auto run = [&](const std::string& dashes) {
    std::vector<std::string> a = {"w", "-", dashes};
    a.insert(a.end(), command.begin(), command.end());
    std::vector<std::string> lines = Lines(RunUntraced(Fsatrace(a)).out);
    return std::count(lines.begin(), lines.end(), line);
  };
  EXPECT_EQ(run("--"), 1);
  EXPECT_GT(run("---"), 1);
}

TEST(Fsatrace, WritesAnOutputFileWhenTheCommandHasEnded) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  WriteFile(dir / "in", "data\n");
  WriteFile(dir / "trace", "old content\n");
  ProcessResult r = RunUntraced(Fsatrace({"r", dir / "trace", "--", "cat", dir / "in"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "data\n") << "the command's own output only";
  std::vector<std::string> lines = Lines(ReadFile(dir / "trace"));
  EXPECT_NE(std::find(lines.begin(), lines.end(), "r|" + dir / "in"), lines.end()) << ReadFile(dir / "trace");
  EXPECT_EQ(std::count(lines.begin(), lines.end(), "old content"), 0);
}

TEST(Fsatrace, BadCommandLinesAndMissingCommandsFail) {
  FANTRACE_REQUIRE_ROOT();
  ProcessResult short_line = RunUntraced(Fsatrace({"rw", "-"}));
  EXPECT_EQ(short_line.status, 2);
  EXPECT_NE(short_line.err.find("usage: fsatrace FLAGS OUTPUT -- COMMAND"), std::string::npos) << short_line.err;
  ProcessResult bad_flag = RunUntraced(Fsatrace({"rx", "-", "--", "true"}));
  EXPECT_EQ(bad_flag.status, 2);
  EXPECT_NE(bad_flag.err.find("unknown flag 'x'"), std::string::npos) << bad_flag.err;
  ProcessResult no_dashes = RunUntraced(Fsatrace({"rw", "-", "true", "x"}));
  EXPECT_EQ(no_dashes.status, 2) << no_dashes.err;
  ProcessResult missing = RunUntraced(Fsatrace({"rwe", "-", "--", "/nonexistent/cc"}));
  EXPECT_EQ(missing.status, 127) << missing.err;
  ProcessResult args = RunUntraced(Fsatrace({"v", "-", "--", "true", "one"}));
  EXPECT_EQ(args.err, "argv[0]=true\nargv[1]=one\n");
}

// An ordinary user needs no root: the trace goes through fantraced.
TEST(Fsatrace, AnOrdinaryUserTracesThroughTheDaemon) {
  FANTRACE_REQUIRE_ROOT();
  TestUser user = EnsureTestUser("fantrace-test");
  TestDaemon daemon;
  ASSERT_TRUE(SocketAnswers(daemon.socket()));
  TempDir dir;
  ASSERT_EQ(chown(dir.path().c_str(), user.uid, user.gid), 0);
  WriteFile(dir / "in", "data\n");
  ProcessResult r = RunUntraced({"setpriv", "--reuid=" + user.name, "--regid=" + user.name, "--init-groups", "env",
                                 "FANTRACE_SOCKET=" + daemon.socket(), FsatraceBin(), "rw", "-", "--", "/bin/sh", "-c",
                                 "cat " + dir / "in" + " > " + dir / "out; exit 5"});
  EXPECT_EQ(r.status, 5) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  EXPECT_NE(std::find(lines.begin(), lines.end(), "r|" + dir / "in"), lines.end()) << r.out << r.err;
  EXPECT_NE(std::find(lines.begin(), lines.end(), "w|" + dir / "out"), lines.end()) << r.out;
}

}  // namespace
}  // namespace fantrace::itest
