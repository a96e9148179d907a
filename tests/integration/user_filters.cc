// User BPF filters (--filter-bpf): the example filters of examples/filters
// and the test filters of filters/, compiled with clang by the build, run
// on real commands. Each test checks what a filter keeps and what it drops,
// the per-filter counts in the summary, and that a filter fantrace cannot
// use stops it with exit 2 before the command runs.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "harness.h"

namespace fantrace::itest {
namespace {

const std::set<std::string> kFileEventTypes = {"open",  "modify",  "close", "rename",
                                               "unlink", "rmdir", "mkdir", "link",
                                               "symlink", "truncate"};

std::string Example(const std::string& name) { return std::string(EXAMPLE_FILTER_DIR) + "/" + name + ".bpf.o"; }
std::string TestFilter(const std::string& name) { return std::string(TEST_FILTER_DIR) + "/" + name + ".bpf.o"; }

std::vector<Json> FileEvents(const Trace& t) {
  std::vector<Json> out;
  for (const Json& e : t.events)
    if (e.contains("type") && kFileEventTypes.count(e["type"].get<std::string>())) out.push_back(e);
  return out;
}

// Every path an event names (path, and from for rename/link).
std::vector<std::string> PathsOf(const Json& e) {
  std::vector<std::string> out;
  for (const char* key : {"path", "from"})
    if (e.contains(key) && e[key].is_string()) out.push_back(e[key].get<std::string>());
  return out;
}

uint64_t DroppedBy(const Trace& t, size_t filter) {
  const Json& filters = t.Summary()["stats"]["user_filters"];
  if (!filters.is_array() || filters.size() <= filter) {
    ADD_FAILURE() << "no user filter " << filter << " in " << t.Summary().dump();
    return 0;
  }
  return filters[filter]["dropped"].get<uint64_t>();
}

// seen = delivered + merged + lost + every drop, the user filters' included.
void ExpectStatsAddUp(const Trace& t) {
  const Json& s = t.Summary()["stats"];
  uint64_t dropped = 0;
  for (const auto& [kind, n] : s["dropped"].items()) dropped += n.get<uint64_t>();
  uint64_t user = 0;
  for (const Json& f : s["user_filters"]) user += f["dropped"].get<uint64_t>();
  EXPECT_EQ(s["dropped"]["user"].get<uint64_t>(), user) << s.dump();
  EXPECT_EQ(s["seen"].get<uint64_t>(),
            s["delivered"].get<uint64_t>() + s["merged"].get<uint64_t>() + s["lost"].get<uint64_t>() + dropped)
      << s.dump();
}

TEST(UserFilters, UnderCwdKeepsOnlyFilesUnderTheDirectory) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string in = dir / "in.txt", out = dir / "out.txt", moved = dir / "moved.txt";
  WriteFile(in, "data\n");
  Trace t = TraceRun({"/bin/sh", "-c", "cat " + in + " /etc/hostname > " + out + "; mv " + out + " " + moved},
                     {"--filter-bpf", Example("under_cwd"), "--filter-arg", "ft_cwd=" + dir.path()});
  ASSERT_EQ(t.status, 0) << t.err;
  for (const Json& e : FileEvents(t))
    for (const std::string& p : PathsOf(e)) EXPECT_TRUE(IsUnder(p, dir.path())) << e.dump();
  EXPECT_FALSE(t.EventsAt("open", in).empty()) << t.jsonl;
  EXPECT_FALSE(t.EventsAt("open", out).empty()) << t.jsonl;
  EXPECT_FALSE(t.EventsAt("rename", moved).empty()) << t.jsonl;
  EXPECT_TRUE(t.EventsAtPath("/etc/hostname").empty()) << t.jsonl;
  EXPECT_EQ(t.Listed("written"), Paths{moved});
  EXPECT_EQ(t.Listed("read"), Paths{in});
  EXPECT_GT(DroppedBy(t, 0), 0u);  // the shell's and cat's libraries, /etc/hostname
  ExpectStatsAddUp(t);
}

// Without --filter-arg, ft_cwd is the directory fantrace (and so the
// command) starts in.
TEST(UserFilters, UnderCwdDefaultsToTheCommandsDirectory) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir, output;
  WriteFile(dir / "in.txt", "data\n");
  std::string trace = output / "trace.jsonl";
  Process p({"/bin/sh", "-c",
             "cd " + dir.path() + " && exec " + FANTRACE_BIN + " run --format jsonl -o " + trace +
                 " --filter-bpf " + Example("under_cwd") + " -- cat in.txt /etc/hostname"});
  ProcessResult r = p.Wait();
  ASSERT_EQ(r.status, 0) << r.err;
  std::string error;
  auto events = ParseJsonl(ReadFile(trace), &error);
  ASSERT_TRUE(events) << error;
  Trace t{r.status, r.out, r.err, ReadFile(trace), *events};
  EXPECT_FALSE(t.EventsAt("open", dir / "in.txt").empty()) << t.jsonl;
  EXPECT_TRUE(t.EventsAtPath("/etc/hostname").empty()) << t.jsonl;
  for (const Json& e : FileEvents(t))
    for (const std::string& path : PathsOf(e)) EXPECT_TRUE(IsUnder(path, dir.path())) << e.dump();
}

TEST(UserFilters, DropSuffixesDropsTheListedSuffixesOnly) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  for (const char* name : {"a.o", "a.d", "a.pyc", "a.c"}) WriteFile(dir / name, "x\n");
  std::string script = "cd " + dir.path() + " && cat a.o a.d a.pyc a.c > out.o && cat a.c > out.txt";
  Trace t = TraceRun({"/bin/sh", "-c", script}, {"--filter-bpf", Example("drop_suffixes")});
  ASSERT_EQ(t.status, 0) << t.err;
  for (const Json& e : FileEvents(t)) {
    for (const std::string& p : PathsOf(e)) {
      for (const char* suffix : {".o", ".d", ".pyc"})
        EXPECT_FALSE(p.size() >= strlen(suffix) && p.compare(p.size() - strlen(suffix), std::string::npos, suffix) == 0)
            << e.dump();
    }
  }
  EXPECT_FALSE(t.EventsAt("open", dir / "a.c").empty()) << t.jsonl;
  EXPECT_FALSE(t.EventsAt("open", dir / "out.txt").empty()) << t.jsonl;
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{dir / "out.txt"});
  EXPECT_EQ(t.ListedUnder("read", dir.path()), Paths{dir / "a.c"});
  ExpectStatsAddUp(t);
}

TEST(UserFilters, DropSuffixesTakesItsListFromFilterArg) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  for (const char* name : {"a.o", "a.c"}) WriteFile(dir / name, "x\n");
  Trace t = TraceRun({"/bin/cat", dir / "a.o", dir / "a.c"},
                     {"--filter-bpf", Example("drop_suffixes"), "--filter-arg", "suffixes=.c,.so.6"});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_FALSE(t.EventsAt("open", dir / "a.o").empty()) << t.jsonl;
  EXPECT_TRUE(t.EventsAtPath(dir / "a.c").empty()) << t.jsonl;
  for (const Json& e : t.Events("open"))
    EXPECT_EQ(e["path"].get<std::string>().find(".so.6"), std::string::npos) << e.dump();
}

// Files still open when a process exits are closed by the tp_btf exit
// handler, which cannot run the chain: their closes follow their opens'
// verdicts.
TEST(UserFilters, ClosesAtExitFollowTheirOpens) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string keep = dir / "keep.txt", drop = dir / "drop.o";
  Trace t = TraceRun({"/bin/sh", "-c", "exec 3>" + keep + " 4>" + drop + "; echo x >&3; echo y >&4"},
                     {"--filter-bpf", Example("drop_suffixes")});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_TRUE(t.EventsAtPath(drop).empty()) << t.jsonl;
  std::optional<Json> close = t.OnlyEventAt("close", keep);
  ASSERT_TRUE(close) << t.jsonl;
  EXPECT_EQ((*close)["written"], true) << close->dump();
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{keep});
  EXPECT_GE(DroppedBy(t, 0), 3u);  // open, modify and close of drop.o
  ExpectStatsAddUp(t);
}

TEST(UserFilters, BigOrWrittenKeepsLargeAndWrittenFiles) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string big = dir / "big", small = dir / "small", out = dir / "out";
  WriteFile(big, std::string(5000, 'b'));
  WriteFile(small, "s\n");
  Trace t = TraceRun({"/bin/sh", "-c", "cat " + big + " " + small + " > " + out},
                     {"--filter-bpf", Example("big_or_written"), "--filter-arg", "min_size=4096"});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_FALSE(t.EventsAt("open", big).empty()) << t.jsonl;
  EXPECT_FALSE(t.EventsAt("close", big).empty()) << t.jsonl;  // follows its open
  EXPECT_TRUE(t.EventsAtPath(small).empty()) << t.jsonl;       // open and close dropped
  EXPECT_FALSE(t.EventsAt("open", out).empty()) << t.jsonl;
  EXPECT_EQ(t.ListedUnder("read", dir.path()), Paths{big});
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{out});
  // every open kept is large or has write access
  for (const Json& e : t.Events("open"))
    EXPECT_TRUE(e["access"] != "read" || IsUnder(e["path"].get<std::string>(), big)
                || std::filesystem::file_size(e["path"].get<std::string>()) > 4096) << e.dump();
  ExpectStatsAddUp(t);
}

TEST(UserFilters, DropAllLeavesProcessEventsSummaryAndExitStatus) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string made = dir / "made";
  Trace t = TraceRun({"/bin/sh", "-c", "echo x > " + made + "; cat " + made + " > /dev/null; exit 7"},
                     {"--filter-bpf", TestFilter("drop_all")});
  EXPECT_EQ(t.status, 7) << t.err;
  EXPECT_TRUE(std::filesystem::exists(made));  // the command did run
  EXPECT_TRUE(FileEvents(t).empty()) << t.jsonl;
  EXPECT_FALSE(t.Events("exec").empty()) << t.jsonl;
  EXPECT_FALSE(t.Events("exit").empty()) << t.jsonl;
  const Json& s = t.Summary();
  EXPECT_EQ(s["exit_code"], 7) << s.dump();
  EXPECT_EQ(s["events"]["open"], 0) << s.dump();
  EXPECT_TRUE(t.Listed("written").empty());
  EXPECT_TRUE(t.Listed("read").empty());
  EXPECT_GE(DroppedBy(t, 0), 3u);  // at least the open, modify and close of `made`
  ExpectStatsAddUp(t);
}

// Filters run in the order given; a dropped event goes no further.
TEST(UserFilters, ChainedFiltersRunInOrder) {
  FANTRACE_REQUIRE_ROOT();
  Trace keep_first = TraceRun({"/bin/cat", "/etc/hostname"},
                              {"--filter-bpf", TestFilter("keep_all"), "--filter-bpf", TestFilter("drop_all")});
  ASSERT_EQ(keep_first.status, 0) << keep_first.err;
  EXPECT_TRUE(FileEvents(keep_first).empty()) << keep_first.jsonl;
  EXPECT_EQ(DroppedBy(keep_first, 0), 0u);
  EXPECT_GT(DroppedBy(keep_first, 1), 0u);
  EXPECT_EQ(keep_first.Summary()["stats"]["user_filters"][1]["name"], "drop_all.bpf.o:drop_all");

  Trace drop_first = TraceRun({"/bin/cat", "/etc/hostname"},
                              {"--filter-bpf", TestFilter("drop_all"), "--filter-bpf", Example("under_cwd"),
                               "--filter-arg", "ft_cwd=/"});
  ASSERT_EQ(drop_first.status, 0) << drop_first.err;
  EXPECT_GT(DroppedBy(drop_first, 0), 0u);
  EXPECT_EQ(DroppedBy(drop_first, 1), 0u);

  Trace keep = TraceRun({"/bin/cat", "/etc/hostname"}, {"--filter-bpf", TestFilter("keep_all")});
  ASSERT_EQ(keep.status, 0) << keep.err;
  EXPECT_FALSE(keep.EventsAt("open", "/etc/hostname").empty()) << keep.jsonl;
  EXPECT_EQ(DroppedBy(keep, 0), 0u);
}

// A filter fantrace cannot use: exit 2, a message naming the problem, and
// the command never runs (it would have created `marker`).
void ExpectRefused(const std::vector<std::string>& options, const std::string& message) {
  TempDir dir;
  std::string marker = dir / "marker";
  Trace t = TraceRun({"/usr/bin/touch", marker}, options);
  EXPECT_EQ(t.status, 2) << t.err;
  EXPECT_NE(t.err.find(message), std::string::npos) << t.err;
  EXPECT_FALSE(std::filesystem::exists(marker)) << "the command ran";
}

TEST(UserFilters, InvalidObjectsAreRefusedBeforeTheCommandRuns) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  WriteFile(dir / "text.bpf.o", "not an object\n");
  ExpectRefused({"--filter-bpf", dir / "text.bpf.o"}, "not an ELF object");
  ExpectRefused({"--filter-bpf", "/bin/true"}, "not a BPF object");
  ExpectRefused({"--filter-bpf", TestFilter("no_filter")}, "no filter program in it");
  ExpectRefused({"--filter-bpf", dir / "missing.bpf.o"}, "cannot open");
  ExpectRefused({"--filter-bpf", Example("big_or_written"), "--filter-arg", "no_such=1"},
                "no filter declares a const volatile global 'no_such'");
  ExpectRefused({"--filter-bpf", Example("big_or_written"), "--filter-arg", "min_size=many"}, "is not a number");
}

TEST(UserFilters, VerifierRefusalShowsTheVerifierLog) {
  FANTRACE_REQUIRE_ROOT();
  ExpectRefused({"--filter-bpf", TestFilter("unbounded_read")}, "the kernel refused the filter");
  ExpectRefused({"--filter-bpf", TestFilter("unbounded_read")}, "math between map_value pointer");
  // a good filter before the bad one does not let the command start either
  ExpectRefused({"--filter-bpf", TestFilter("keep_all"), "--filter-bpf", TestFilter("unbounded_read")},
                "unbounded_read.bpf.o");
}

// The template compiles with the command it prints and works as a filter.
TEST(UserFilters, TemplateCompilesWithItsOwnCommandAndRuns) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  Trace templ = RunFantrace({"filter-template", "tmpl"});
  ASSERT_EQ(templ.status, 0) << templ.err;
  WriteFile(dir / "tmpl.bpf.c", templ.out);
  size_t at = templ.out.find("clang ");
  ASSERT_NE(at, std::string::npos) << templ.out;
  std::string command = templ.out.substr(at, templ.out.find('\n', at) - at);
  ProcessResult cc = RunUntraced({"/bin/sh", "-c", "cd " + dir.path() + " && " + command});
  ASSERT_EQ(cc.status, 0) << command << "\n" << cc.err;
  Trace t = TraceRun({"/bin/cat", "/etc/hostname", "/usr/lib/os-release"}, {"--filter-bpf", dir / "tmpl.bpf.o"});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_FALSE(t.EventsAt("open", "/etc/hostname").empty()) << t.jsonl;
  for (const Json& e : FileEvents(t))
    for (const std::string& p : PathsOf(e)) EXPECT_FALSE(IsUnder(p, "/usr")) << e.dump();
}

}  // namespace
}  // namespace fantrace::itest
