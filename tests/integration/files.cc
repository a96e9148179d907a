// What the tracer reports about the files one process creates, reads,
// writes, renames, maps, truncates and deletes.
#include <gtest/gtest.h>

#include "harness.h"

namespace fantrace::itest {
namespace {

// `sh -c SCRIPT`: a shell builds the scenario from coreutils.
Trace TraceShell(const std::string& script) { return TraceRun({"/bin/sh", "-c", script}); }

TEST(Files, NewFileIsCreatedAndWritten) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "new";
  Trace t = TraceRun({Prog("write_file"), file});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{file});
  EXPECT_EQ(t.ListedUnder("read", dir.path()), Paths{});
  std::optional<Json> opened = t.OnlyEventAt("open", file);
  ASSERT_TRUE(opened);
  EXPECT_EQ((*opened)["access"], "write");
  EXPECT_EQ((*opened)["created"], true);
  struct stat st = Stat(file);
  EXPECT_EQ((*opened)["dev"], st.st_dev);
  EXPECT_EQ((*opened)["ino"], st.st_ino);
  std::optional<Json> closed = t.OnlyEventAt("close", file);
  ASSERT_TRUE(closed);
  EXPECT_EQ((*closed)["written"], true);
  EXPECT_EQ((*closed)["size"], file.size()) << "write_file writes the file's own name";
}

// A descriptor past the exit scan's limit (65536 fds; 1024 on the compat
// path) is not looked at when its process exits: the trace says so
// instead of leaving out the file's close silently. Shown on the compat
// path (forced), whose limit a test can pass under the usual hard
// RLIMIT_NOFILE.
TEST(Files, DescriptorPastTheExitScanLimitIsWarnedAbout) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "high-fd";
  struct ForceCompat {
    ForceCompat() { setenv("FANTRACE_BPF_PATH", "compat", 1); }
    ~ForceCompat() { unsetenv("FANTRACE_BPF_PATH"); }
  } force;
  // bash keeps fd 1500 open until it exits
  Trace t = TraceRun({"bash", "-c", "ulimit -n 2000 && exec 1500>\"$1\" && echo x >&1500", "bash", file});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{file}) << "its open and write were seen";
  EXPECT_NE(t.err.find("fantrace: warning: the trace may be incomplete: 1 process exits or close_range "
                       "calls had fd tables past the scan limit"),
            std::string::npos)
      << t.err;
}

TEST(Files, ReadFileIsReadNotWritten) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "input";
  WriteFile(file, "some input\n");
  Trace t = TraceRun({"cat", file});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.out, "some input\n") << "the command's stdout passes through";
  EXPECT_EQ(t.ListedUnder("read", dir.path()), Paths{file});
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{});
  std::optional<Json> opened = t.OnlyEventAt("open", file);
  ASSERT_TRUE(opened);
  EXPECT_EQ((*opened)["access"], "read");
  EXPECT_EQ((*opened)["created"], false);
  EXPECT_EQ((*opened)["truncated"], false);
}

// sed -i writes DIR/sedXXXXXX, then renames it over the file.
TEST(Files, SedInPlaceReportsOnlyTheFinalName) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "config";
  WriteFile(file, "alpha\n");
  Trace t = TraceRun({"sed", "-i", "s/alpha/beta/", file});
  ASSERT_EQ(t.status, 0) << t.err;
  ASSERT_EQ(ReadFile(file), "beta\n");

  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{file});
  EXPECT_EQ(t.ListedUnder("read", dir.path()), Paths{file});
  EXPECT_EQ(t.ListedUnder("deleted", dir.path()), Paths{});
  std::vector<Json> renames = t.Events("rename");
  ASSERT_EQ(renames.size(), 1u) << t.jsonl;
  EXPECT_EQ(renames[0]["path"], file);
  std::string from = renames[0].value("from", "");
  EXPECT_TRUE(IsUnder(from, dir.path()) && from.starts_with(dir / "sed")) << from;
}

TEST(Files, RenameChainReportsOnlyTheLastName) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string a = dir / "a", b = dir / "b", c = dir / "c";
  Trace t = TraceShell("echo x > " + a + " && mv " + a + " " + b + " && mv " + b + " " + c);
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.EventsAt("rename", b).size(), 1u) << t.jsonl;
  EXPECT_EQ(t.EventsAt("rename", c).size(), 1u) << t.jsonl;
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{c});
  EXPECT_EQ(t.ListedUnder("deleted", dir.path()), Paths{});
}

// Renaming a directory moves the files the tree wrote inside it.
TEST(Files, RenamedDirectoryCarriesItsWrittenFiles) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string staging = dir / "staging", final_dir = dir / "final";
  Trace t = TraceShell("mkdir " + staging + " && echo x > " + staging + "/out && mv " + staging +
                       " " + final_dir);
  ASSERT_EQ(t.status, 0) << t.err;

  std::optional<Json> renamed = t.OnlyEventAt("rename", final_dir);
  ASSERT_TRUE(renamed);
  EXPECT_EQ((*renamed)["from"], staging);
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{final_dir + "/out"});
}

TEST(Files, PipesAndDevicesAreNeverWritten) {
  FANTRACE_REQUIRE_ROOT();
  Trace t = TraceShell("echo x > /dev/null && echo y | cat > /dev/null");
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_EQ(t.Listed("written"), Paths{});
}

// The shell exits with fd 3 still open on the file: the process's exit
// closes it, and that close is reported like any other.
TEST(Files, FileLeftOpenAtExitIsClosed) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "left-open";
  Trace t = TraceShell("exec 3> " + file + " && echo x >&3");
  ASSERT_EQ(t.status, 0) << t.err;

  std::optional<Json> closed = t.OnlyEventAt("close", file);
  ASSERT_TRUE(closed);
  EXPECT_EQ((*closed)["written"], true);
  EXPECT_EQ((*closed)["size"], 2);
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{file});
}

// The shell opens the file, a background subshell inherits the descriptor,
// the shell closes its own copy, and only then does the subshell write.
TEST(Files, WriteThroughAnInheritedDescriptor) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "shared";
  Trace t = TraceShell("exec 3> " + file + "; (sleep 0.2; echo x >&3) & exec 3>&-; wait");
  ASSERT_EQ(t.status, 0) << t.err;

  std::optional<Json> opened = t.OnlyEventAt("open", file);
  ASSERT_TRUE(opened);
  std::optional<Json> modified = t.OnlyEventAt("modify", file);
  ASSERT_TRUE(modified);
  EXPECT_NE((*modified)["pid"], (*opened)["pid"]) << "the subshell wrote, not the opener";
  std::optional<Json> closed = t.OnlyEventAt("close", file);
  ASSERT_TRUE(closed) << "one close, of the tree's last reference";
  EXPECT_EQ((*closed)["written"], true);
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{file});
}

TEST(Files, SharedWritableMappingIsAModification) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "mapped";
  WriteFile(file, std::string(4096, '.'));
  Trace t = TraceRun({Prog("mmap_write"), file});
  ASSERT_EQ(t.status, 0) << t.err;
  ASSERT_TRUE(ReadFile(file).starts_with("mapped"));

  EXPECT_FALSE(t.EventsAt("modify", file).empty()) << t.jsonl;
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{file});
  std::optional<Json> opened = t.OnlyEventAt("open", file);
  ASSERT_TRUE(opened);
  EXPECT_EQ((*opened)["access"], "readwrite");
  EXPECT_EQ((*opened)["created"], false);
  EXPECT_EQ((*opened)["truncated"], false);
}

TEST(Files, TruncateByPath) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "long";
  WriteFile(file, "0123456789");
  Trace t = TraceRun({Prog("truncate_path"), file, "3"});
  ASSERT_EQ(t.status, 0) << t.err;
  ASSERT_EQ(ReadFile(file), "012");

  EXPECT_EQ(t.EventsAt("truncate", file).size(), 1u) << t.jsonl;
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{file});
}

TEST(Files, OpenedForWritingButNeverWrittenIsNotWritten) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "untouched";
  WriteFile(file, "keep\n");
  Trace t = TraceRun({Prog("open_no_write"), file});
  ASSERT_EQ(t.status, 0) << t.err;

  std::optional<Json> opened = t.OnlyEventAt("open", file);
  ASSERT_TRUE(opened);
  EXPECT_EQ((*opened)["access"], "write");
  EXPECT_EQ((*opened)["created"], false);
  EXPECT_EQ((*opened)["truncated"], false);
  for (const Json& close : t.EventsAt("close", file)) EXPECT_EQ(close["written"], false);
  EXPECT_TRUE(t.EventsAt("modify", file).empty()) << t.jsonl;
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{});
}

TEST(Files, UnlinkedTempFileIsDeletedNotWritten) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string temp = dir / "scratch";
  Trace t = TraceShell("echo data > " + temp + " && rm " + temp);
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.EventsAt("unlink", temp).size(), 1u) << t.jsonl;
  EXPECT_EQ(t.ListedUnder("deleted", dir.path()), Paths{temp});
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{});
}

TEST(Files, ShellRedirectionIsWritten) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string out = dir / "out";
  Trace t = TraceShell("echo hi > " + out);
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{out});
  std::optional<Json> opened = t.OnlyEventAt("open", out);
  ASSERT_TRUE(opened);
  EXPECT_EQ((*opened)["access"], "write");
  EXPECT_EQ((*opened)["created"], true);
}

TEST(Files, TmpfileLinkedIntoPlaceIsWrittenUnderItsName) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string linked = dir / "linked";
  Trace t = TraceRun({Prog("tmpfile_link"), dir.path(), "linked"});
  ASSERT_EQ(t.status, 0) << t.err;
  ASSERT_EQ(ReadFile(linked), "tmpfile\n");

  // The anonymous file is opened as DIR/#<ino>, and linked from there.
  std::string anonymous = dir / ("#" + std::to_string(Stat(linked).st_ino));
  std::optional<Json> opened = t.OnlyEventAt("open", anonymous);
  ASSERT_TRUE(opened);
  EXPECT_EQ((*opened)["access"], "write");
  std::optional<Json> link_event = t.OnlyEventAt("link", linked);
  ASSERT_TRUE(link_event);
  EXPECT_EQ((*link_event)["target"], anonymous);
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{linked});
}

TEST(Files, HardLinkOfAWrittenFileIsWrittenToo) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string original = dir / "original";
  std::string alias = dir / "alias";
  Trace t = TraceShell("echo x > " + original + " && ln " + original + " " + alias);
  ASSERT_EQ(t.status, 0) << t.err;

  std::optional<Json> link_event = t.OnlyEventAt("link", alias);
  ASSERT_TRUE(link_event);
  EXPECT_EQ((*link_event)["target"], original);
  EXPECT_EQ(t.ListedUnder("written", dir.path()), (Paths{alias, original}));
}

TEST(Files, MkdirAndRmdir) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string sub = dir / "sub";
  Trace t = TraceShell("mkdir " + sub + " && rmdir " + sub);
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.EventsAt("mkdir", sub).size(), 1u) << t.jsonl;
  EXPECT_EQ(t.EventsAt("rmdir", sub).size(), 1u) << t.jsonl;
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{});
}

}  // namespace
}  // namespace fantrace::itest
