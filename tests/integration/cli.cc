// The fantrace command line: exit statuses of its own failures, where the
// output goes, the output formats, and attaching to a running process.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "harness.h"

namespace fantrace::itest {
namespace {

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    size_t end = std::min(text.find('\n'), text.size());
    lines.emplace_back(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return lines;
}

bool HasLine(std::string_view text, std::string_view line) {
  std::vector<std::string> lines = Lines(text);
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

// The lines of `text` that look like jsonl records, parsed.
std::vector<Json> JsonLines(std::string_view text) {
  std::string records;
  for (const std::string& line : Lines(text))
    if (line.starts_with("{\"")) records += line + "\n";
  std::string error;
  std::optional<std::vector<Json>> events = ParseJsonl(records, &error);
  if (!events) ADD_FAILURE() << error;
  return events.value_or(std::vector<Json>{});
}

TEST(Cli, HelpNamesTheCommands) {
  Trace t = RunFantrace({"--help"});
  EXPECT_EQ(t.status, 0) << t.err;
  EXPECT_NE(t.out.find("run"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("attach"), std::string::npos) << t.out;
}

TEST(Cli, MissingCommandExits127WithOneLine) {
  FANTRACE_REQUIRE_ROOT();
  for (std::string command : {"/nonexistent/fantrace-no-such-command", "fantrace-no-such-command"}) {
    Trace t = RunFantrace({"run", "--", command});
    EXPECT_EQ(t.status, 127) << command << ": " << t.err;
    EXPECT_EQ(Lines(t.err).size(), 1u) << t.err;
    EXPECT_NE(t.err.find(command), std::string::npos) << "the message names the command: " << t.err;
  }
}

TEST(Cli, BadUsageExits2WithoutRunningTheCommand) {
  TempDir dir;
  std::string marker = dir / "ran";
  const std::vector<std::vector<std::string>> bad_options{
      {"--no-such-option"}, {"--format", "yaml"}, {"--buffer-size", "lots"}};
  for (const std::vector<std::string>& options : bad_options) {
    std::vector<std::string> args{"run"};
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"--", Prog("write_file"), marker});
    Trace t = RunFantrace(args);
    EXPECT_EQ(t.status, 2) << options[0] << ": " << t.err;
    EXPECT_FALSE(t.err.empty()) << options[0];
    EXPECT_FALSE(std::filesystem::exists(marker)) << options[0] << " still ran the command";
  }
  EXPECT_EQ(RunFantrace({"run"}).status, 2) << "run without a command";
  EXPECT_EQ(RunFantrace({"no-such-verb"}).status, 2);
}

TEST(Cli, CommandThatCannotBeExecutedExits126) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string not_executable = dir / "script";
  WriteFile(not_executable, "#!/bin/sh\nexit 0\n");  // mode 0644: no execute bit
  Trace t = RunFantrace({"run", "--", not_executable});
  EXPECT_EQ(t.status, 126) << t.err;
  EXPECT_EQ(Lines(t.err).size(), 1u) << t.err;
}

TEST(Cli, NotRootExits2WithOneLine) {
  FANTRACE_REQUIRE_ROOT();
  ProcessResult as_nobody = RunUntraced({"setpriv", "--reuid=nobody", "--regid=nogroup",
                                         "--clear-groups", FANTRACE_BIN, "run", "--", "true"});
  EXPECT_EQ(as_nobody.status, 2) << as_nobody.err;
  EXPECT_EQ(Lines(as_nobody.err).size(), 1u) << as_nobody.err;
}

TEST(Cli, NoSummaryLeavesStderrToTheCommand) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  Trace t = RunFantrace({"run", "--no-summary", "--format", "jsonl", "-o", dir / "trace.jsonl",
                         "--", "/bin/sh", "-c", "echo from-command >&2"});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_EQ(t.err, "from-command\n");
}

TEST(Cli, UnwritableOutputExits2WithOneLine) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string marker = dir / "ran";
  Trace t = RunFantrace({"run", "-o", dir / "missing-dir/trace.jsonl", "--", Prog("write_file"),
                         marker});
  EXPECT_EQ(t.status, 2) << t.err;
  EXPECT_EQ(Lines(t.err).size(), 1u) << t.err;
  EXPECT_FALSE(std::filesystem::exists(marker)) << "the command ran without a place for its trace";
}

TEST(Cli, OutputFileHoldsTheTraceAndIsNotPartOfIt) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string trace_file = dir / "trace.jsonl";
  std::string file = dir / "file";
  Trace t = RunFantrace({"run", "--format", "jsonl", "-o", trace_file, "--", Prog("write_file"),
                         file});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.out, "");
  EXPECT_TRUE(JsonLines(t.err).empty()) << "no records on stderr: " << t.err;
  EXPECT_FALSE(t.err.empty()) << "the human summary goes to stderr";
  std::string error;
  std::optional<std::vector<Json>> events = ParseJsonl(ReadFile(trace_file), &error);
  ASSERT_TRUE(events) << error;
  Trace parsed{t.status, {}, {}, ReadFile(trace_file), *events};
  EXPECT_EQ(parsed.ListedUnder("written", dir.path()), Paths{file})
      << "fantrace's own output file is not the traced command's";
}

TEST(Cli, DashWritesTheTraceToStdout) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  Trace t = RunFantrace({"run", "--format", "jsonl", "-o", "-", "--", Prog("write_file"),
                         dir / "file"});
  ASSERT_EQ(t.status, 0) << t.err;
  t.events = JsonLines(t.out);
  EXPECT_EQ(Lines(t.out).size(), t.events.size()) << "stdout holds only records";
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{dir / "file"});
}

TEST(Cli, TraceGoesToStderrByDefault) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  Trace t = RunFantrace({"run", "--format", "jsonl", "--", Prog("write_file"), dir / "file"});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_EQ(t.out, "");
  t.events = JsonLines(t.err);
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{dir / "file"});
}

// Every event carries type, time, pid and tid; times are wall-clock
// nanoseconds since the epoch, taken while the trace ran.
TEST(Cli, EveryEventHasTypeTimePidTid) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  auto now_ns = [] {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  int64_t before = now_ns();
  Trace t = TraceRun({"/bin/sh", "-c", "echo x > " + dir / "file" + " && cat " + dir / "file"});
  int64_t after = now_ns();
  ASSERT_EQ(t.status, 0) << t.err;

  ASSERT_GT(t.events.size(), 1u);
  for (size_t i = 0; i + 1 < t.events.size(); ++i) {
    const Json& event = t.events[i];
    EXPECT_TRUE(event["type"].is_string()) << event.dump();
    EXPECT_TRUE(event["pid"].is_number_integer()) << event.dump();
    EXPECT_TRUE(event["tid"].is_number_integer()) << event.dump();
    int64_t time = event.value("time", int64_t{0});
    EXPECT_TRUE(time >= before && time <= after)
        << event.dump() << " is not between " << before << " and " << after;
  }
}

// fsatrace's format: one operation a line, "w|path", "r|path", "m|to|from".
TEST(Cli, FsatraceFormat) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string input = dir / "input", out = dir / "out", moved = dir / "moved";
  WriteFile(input, "x\n");
  Trace t = RunFantrace({"run", "--format", "fsatrace", "-o", "-", "--", "/bin/sh", "-c",
                         "cat " + input + " > " + out + " && mv " + out + " " + moved +
                             " && rm " + input});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_TRUE(HasLine(t.out, "r|" + input)) << t.out;
  EXPECT_TRUE(HasLine(t.out, "w|" + out)) << t.out;
  EXPECT_TRUE(HasLine(t.out, "m|" + moved + "|" + out)) << t.out;
  EXPECT_TRUE(HasLine(t.out, "d|" + input)) << t.out;
  for (const std::string& line : Lines(t.out)) {
    bool well_formed = line.size() > 2 && line[1] == '|' &&
                       std::string_view("rwmdtq").find(line[0]) != std::string_view::npos;
    EXPECT_TRUE(well_formed) << "not an fsatrace line: " << line;
  }
}

TEST(Cli, TextFormatNamesTheFiles) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  Trace t = RunFantrace({"run", "--format", "text", "-o", "-", "--", Prog("write_file"),
                         dir / "file"});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_NE(t.out.find(dir / "file"), std::string::npos) << t.out;
  EXPECT_TRUE(JsonLines(t.out).empty()) << t.out;
}

// tick_until_stop writes DIR/tick_N every 50 ms. Attaching takes some
// time (seconds on a slow machine or an emulated one), so the target runs
// on for a second after fantrace created its output file (it does once
// the programs are attached), and the trace holds the ticks from some N
// on, with no gap after it.
TEST(Cli, AttachFollowsARunningProcess) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  Process target({Prog("tick_until_stop"), dir.path()});
  const pid_t target_pid = target.pid();
  FantraceRun attach("attach", {std::to_string(target_pid)});
  WaitUntilAttached(attach.output_path());
  WriteFile(dir / "stop", "");
  ASSERT_EQ(target.Wait().status, 0);
  Trace t = attach.Finish();
  ASSERT_EQ(t.status, 0) << t.err;

  int ticks = 0;
  while (std::filesystem::exists(dir / ("tick_" + std::to_string(ticks)))) ++ticks;
  Paths written = t.ListedUnder("written", dir.path());
  ASSERT_FALSE(written.empty()) << "no tick traced in 3 s\n" << t.err;
  int first = ticks;
  while (first > 0 && std::binary_search(written.begin(), written.end(),
                                         dir / ("tick_" + std::to_string(first - 1))))
    --first;
  Paths expected;
  for (int i = first; i < ticks; ++i) expected.push_back(dir / ("tick_" + std::to_string(i)));
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(written, expected) << "every tick from the first traced one to the last";
  std::optional<Json> exit_event = t.OnlyEventOf("exit", target_pid);
  ASSERT_TRUE(exit_event);
  EXPECT_EQ((*exit_event)["status"], 0);
}

// A subshell started before the attach, which writes only after it: its
// write is the tree's, as the subshell is a descendant of the process.
TEST(Cli, AttachTakesTheDescendantsAlreadyRunning) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  const std::string out = dir / "late";
  const std::string go = dir / "go";
  Process target({"/bin/sh", "-c",
                  "(while [ ! -e '" + go + "' ]; do sleep 0.05; done; echo x > '" + out + "') & wait"});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the subshell is running
  FantraceRun attach("attach", {std::to_string(target.pid())});
  // The output file appears once the programs are loaded; the walk of the
  // descendants follows at once.
  WaitUntilAttached(attach.output_path());
  WriteFile(go, "");
  ASSERT_EQ(target.Wait().status, 0);
  Trace t = attach.Finish();
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{dir / "late"}) << t.err;
  EXPECT_GE(t.Events("exit").size(), 2u) << "the shell and its subshell end in the trace";
}

// A target that exits before fantrace has loaded (here: already a zombie
// when attach starts) is never seen exiting by the kernel side: fantrace
// must say so and stop, not wait for an exit that already happened.
TEST(Cli, AttachToAProcessThatAlreadyExitedEnds) {
  FANTRACE_REQUIRE_ROOT();
  Process target({"/bin/true"});
  const pid_t target_pid = target.pid();
  std::string stat = "/proc/" + std::to_string(target_pid) + "/stat";
  for (int i = 0; i < 500; ++i) {  // until it is a zombie (not reaped: Wait comes later)
    std::string text = ReadFile(stat);
    size_t close = text.rfind(')');
    if (close != std::string::npos && text.compare(close, 3, ") Z") == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FantraceRun attach("attach", {std::to_string(target_pid)});
  Trace t = attach.Finish(std::chrono::seconds(60));
  EXPECT_EQ(t.status, 2) << t.err;
  EXPECT_NE(t.err.find("exited before it could be traced"), std::string::npos) << t.err;
  EXPECT_EQ(target.Wait().status, 0);
}

}  // namespace
}  // namespace fantrace::itest
