// Lookups (--probes): paths looked up without being opened (stat),
// directories listed (readdir), paths looked for and not found (missing),
// and the summary's probed, listed and missing lists; off by default, with
// no program loaded for them then.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "harness.h"
#include "test_accounts.h"

namespace fantrace::itest {
namespace {

bool HasLine(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

// The include path search of a real compiler: <h.h> is looked for in the
// first -I directory, not found there, and read from the second.
TEST(Lookups, CompilerIncludeSearchProbesMissingHeaders) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::filesystem::create_directory(dir / "inc1");
  std::filesystem::create_directory(dir / "inc2");
  WriteFile(dir / "inc2/h.h", "#define VALUE 42\n");
  WriteFile(dir / "x.c", "#include <h.h>\nint value = VALUE;\n");
  Trace t = TraceRun({"gcc", "-I", dir / "inc1", "-I", dir / "inc2", "-c", dir / "x.c", "-o", dir / "x.o"},
                     {"--probes"});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_TRUE(t.Lists("missing", dir / "inc1/h.h")) << t.Summary().dump();
  EXPECT_FALSE(t.Lists("missing", dir / "inc2/h.h")) << t.Summary().dump();
  EXPECT_TRUE(t.Lists("read", dir / "inc2/h.h")) << t.Summary().dump();
  EXPECT_TRUE(t.OnlyEventAt("missing", dir / "inc1/h.h"));
  EXPECT_TRUE(t.Lists("written", dir / "x.o"));
}

TEST(Lookups, LsListsTheDirectory) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::filesystem::create_directory(dir / "listed");
  WriteFile(dir / "listed/a", "a\n");
  Trace t = TraceRun({"ls", dir / "listed"}, {"--probes"});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.ListedUnder("listed", dir.path()), Paths{dir / "listed"});
  std::optional<Json> readdir = t.OnlyEventAt("readdir", dir / "listed");
  ASSERT_TRUE(readdir);
  EXPECT_EQ((*readdir)["ino"], Stat(dir / "listed").st_ino);
  EXPECT_FALSE(t.Lists("probed", dir / "listed")) << "listed, so more than a probe";
}

// test -e and stat(1) look files up without opening them; cat opens its
// file, which is then no mere probe. A name that a later command creates
// leaves the missing list.
TEST(Lookups, TestAndStatOfExistingFilesAreProbed) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  for (const char* name : {"f1", "f2", "f3"}) WriteFile(dir / name, "x\n");
  std::string script = "test -e " + dir / "f1" + " && stat " + dir / "f2" + " > /dev/null && test -e " +
                       dir / "f3" + " && cat " + dir / "f3" + " > /dev/null && ! test -e " + dir / "gone" +
                       " && ! test -e " + dir / "made" + " && : > " + dir / "made";
  Trace t = TraceRun({"/bin/sh", "-c", script}, {"--probes"});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.ListedUnder("probed", dir.path()), (Paths{dir / "f1", dir / "f2"})) << t.Summary().dump();
  EXPECT_EQ(t.ListedUnder("missing", dir.path()), Paths{dir / "gone"}) << t.Summary().dump();
  std::optional<Json> stat = t.OnlyEventAt("stat", dir / "f2");
  ASSERT_TRUE(stat);
  struct stat st = Stat(dir / "f2");
  EXPECT_EQ((*stat)["ino"], st.st_ino);
  EXPECT_EQ((*stat)["dev"], st.st_dev);
  EXPECT_FALSE(t.EventsAt("stat", dir / "f3").empty()) << "looked up before it was opened";
}

// A path looked up a thousand times is one event; the rest are merged in
// the kernel and counted so.
TEST(Lookups, RepeatedLookupsAreMergedInTheKernel) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  WriteFile(dir / "here", "x\n");
  Trace t = TraceRun({Prog("stat_loop"), "1000", dir / "here", dir / "absent"}, {"--probes"});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.EventsAt("stat", dir / "here").size(), 1u) << t.jsonl;
  EXPECT_EQ(t.EventsAt("missing", dir / "absent").size(), 1u) << t.jsonl;
  // stat, access and statx, 1000 times each, for both paths
  EXPECT_GE(t.Summary()["stats"]["merged"].get<uint64_t>(), 2u * 3000 - 2) << t.Summary().dump();
  EXPECT_EQ(t.ListedUnder("probed", dir.path()), Paths{dir / "here"});
  EXPECT_EQ(t.ListedUnder("missing", dir.path()), Paths{dir / "absent"});
}

// Relative names are reported absolute and normalised, against the cwd.
TEST(Lookups, RelativeNamesAreAbsolute) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::filesystem::create_directory(dir / "sub");
  WriteFile(dir / "sub/f", "x\n");
  Trace t = TraceRun({"/bin/sh", "-c", "cd " + dir.path() + " && test -e ./sub/../sub/f && ! test -e sub//nope"},
                     {"--probes"});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_TRUE(t.OnlyEventAt("stat", dir / "sub/f")) << t.jsonl;
  EXPECT_TRUE(t.OnlyEventAt("missing", dir / "sub/nope")) << t.jsonl;
}

// A command looked up along PATH by exec: the directories without it.
TEST(Lookups, ExecSearchReportsMissingCandidates) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::filesystem::create_directory(dir / "bin");
  Trace t = TraceRun({"/usr/bin/env", "PATH=" + dir / "bin" + ":/usr/bin:/bin", "true"}, {"--probes"});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_TRUE(t.Lists("missing", dir / "bin/true")) << t.Summary().dump();
}

// Without --probes, no lookup event, no lookup list, and no lookup
// program loaded (nor, so, attached): the tracer (the traced shell's
// parent) holds the fds of its programs, whose ids bpftool names.
TEST(Lookups, OffByDefaultWithNoProgramLoaded) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  const std::string script = "bpftool -j prog show > " + dir / "progs.json" +
                             " && cat /proc/$PPID/fdinfo/* 2>/dev/null | sed -n 's/^prog_id:[[:space:]]*//p' > " +
                             dir / "prog_ids" + " && test -e " + dir.path() + " && ls " + dir.path() +
                             " > /dev/null && ! test -e " + dir / "absent";
  auto programs_of_tracer = [&dir]() {
    std::set<long> ids;
    std::istringstream in(ReadFile(dir / "prog_ids"));
    for (long id; in >> id;) ids.insert(id);
    std::vector<std::string> names;
    for (const Json& prog : Json::parse(ReadFile(dir / "progs.json")))
      if (prog.contains("name") && ids.contains(prog["id"].get<long>())) names.push_back(prog["name"]);
    return names;
  };
  auto has = [](const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };

  Trace off = TraceRun({"/bin/sh", "-c", script});
  ASSERT_EQ(off.status, 0) << off.err;
  std::vector<std::string> names = programs_of_tracer();
  EXPECT_TRUE(has(names, "exit_open_family")) << "bpftool shows the tracer's programs";
  EXPECT_TRUE(has(names, "exit_attrib_family"));
  EXPECT_FALSE(has(names, "exit_lookup_family"));
  EXPECT_FALSE(has(names, "enter_getdents_family"));
  for (const char* kind : {"stat", "readdir", "missing"}) EXPECT_TRUE(off.Events(kind).empty()) << kind;
  EXPECT_FALSE(off.Summary().contains("probed"));
  EXPECT_FALSE(off.Summary().contains("missing"));

  Trace on = TraceRun({"/bin/sh", "-c", script}, {"--events", "open,stat,readdir,missing"});
  ASSERT_EQ(on.status, 0) << on.err;
  names = programs_of_tracer();
  EXPECT_TRUE(has(names, "exit_lookup_family"));
  EXPECT_TRUE(has(names, "enter_getdents_family"));
  EXPECT_TRUE(on.OnlyEventAt("missing", dir / "absent"));
  EXPECT_TRUE(on.Summary().contains("probed"));
}

// `fantrace ARGS...` through the fantraced on `socket`.
Trace ThroughDaemon(const std::string& socket, const std::vector<std::string>& args) {
  std::vector<std::string> full = {"env", "FANTRACE_SOCKET=" + socket, FANTRACE_BIN};
  full.insert(full.end(), args.begin(), args.end());
  return TraceOfStdout(RunUntraced(full));
}

// A fantraced started without --probes has no lookup programs: asking for
// them through it is refused with a message saying how to get them, not
// answered with an empty trace.
TEST(Lookups, RefusedByADaemonStartedWithoutProbes) {
  FANTRACE_REQUIRE_ROOT();
  TestDaemon daemon;
  Trace t = ThroughDaemon(daemon.socket(), {"run", "--daemon", "--probes", "--", "true"});
  EXPECT_EQ(t.status, 2);
  EXPECT_NE(t.err.find("fantraced --probes"), std::string::npos) << t.err;
  Trace named = ThroughDaemon(daemon.socket(), {"run", "--daemon", "--events", "open,missing", "--", "true"});
  EXPECT_EQ(named.status, 2) << named.err;
  Trace plain = ThroughDaemon(daemon.socket(), {"run", "--daemon", "--summary-only", "--", "true"});
  EXPECT_EQ(plain.status, 0) << "the daemon serves on: " << plain.err;
}

// `fantraced --probes`: a session that asks gets its lookups, one that
// does not gets none.
TEST(Lookups, ThroughADaemonStartedWithProbes) {
  FANTRACE_REQUIRE_ROOT();
  TestDaemon daemon({"--probes"});
  TempDir dir;
  WriteFile(dir / "here", "x\n");
  const std::vector<std::string> script = {"/bin/sh", "-c", "test -e " + dir / "here" + " && ! test -e " + dir / "gone"};
  std::vector<std::string> args = {"run", "--daemon", "--probes", "--format", "jsonl", "-o", "-", "--"};
  args.insert(args.end(), script.begin(), script.end());
  Trace t = ThroughDaemon(daemon.socket(), args);
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_EQ(t.ListedUnder("probed", dir.path()), Paths{dir / "here"}) << t.jsonl;
  EXPECT_EQ(t.ListedUnder("missing", dir.path()), Paths{dir / "gone"}) << t.jsonl;

  args.erase(args.begin() + 2);  // --probes
  Trace off = ThroughDaemon(daemon.socket(), args);
  ASSERT_EQ(off.status, 0) << off.err;
  EXPECT_TRUE(off.EventsAt("stat", dir / "here").empty()) << off.jsonl;
  EXPECT_TRUE(off.EventsAt("missing", dir / "gone").empty()) << off.jsonl;
}

// fsatrace's q (a lookup) and t (times set), as fsatrace writes them.
TEST(Lookups, FsatraceQueryAndTouchLines) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  WriteFile(dir / "f", "x\n");
  Trace t = RunFantrace({"run", "--probes", "--format", "fsatrace", "-o", "-", "--", "/bin/sh", "-c",
                         "test -e " + dir / "f" + " && touch " + dir / "f"});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_TRUE(HasLine(t.out, "q|" + dir / "f")) << t.out;
  EXPECT_TRUE(HasLine(t.out, "t|" + dir / "f")) << t.out;
}

}  // namespace
}  // namespace fantrace::itest
