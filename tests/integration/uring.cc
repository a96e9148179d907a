// File operations that pass no syscall tracepoint: those a program submits
// through io_uring (progs/uring/uring_files.c, built with Debian's
// liburing), and those of a 32-bit program (progs/m32).
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

#include "harness.h"

namespace fantrace::itest {
namespace {

Trace TraceUring(const std::string& mode, const TempDir& dir, const std::vector<std::string>& options = {}) {
  return TraceRun({Prog("uring_files"), mode, dir.path()}, options);
}

// On a kernel that cannot decode them, the trace must say what it missed.
#define SKIP_UNLESS_DECODED(t)                                                                     \
  do {                                                                                             \
    if (!KernelDecodesUring()) {                                                                   \
      EXPECT_GT((t).Summary()["stats"]["io_uring_undecoded"].get<uint64_t>(), 0u) << (t).jsonl;    \
      EXPECT_NE((t).err.find("io_uring file operations could not be decoded"), std::string::npos) \
          << (t).err;                                                                              \
      GTEST_SKIP() << "this kernel's io_uring operations are counted, not decoded (before 5.19)"; \
    }                                                                                              \
  } while (0)

bool ViaUring(const Json& ev) { return ev.contains("via") && ev["via"] == "io_uring"; }

// The one event of `type` at `path`, which must say it came through io_uring.
std::optional<Json> UringEventAt(const Trace& t, std::string_view type, const std::string& path) {
  std::optional<Json> ev = t.OnlyEventAt(type, path);
  if (ev) {
    EXPECT_TRUE(ViaUring(*ev)) << ev->dump();
  }
  return ev;
}

bool HasLine(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l == line) return true;
  return false;
}

void ExpectNoUringWarning(const Trace& t) {
  EXPECT_EQ(t.err.find("io_uring file operations could not be decoded"), std::string::npos) << t.err;
  EXPECT_EQ(t.Summary()["stats"]["io_uring_undecoded"], 0) << t.Summary().dump();
}

// The program of issue 14: open, write, close and rename through io_uring
// alone; and a read of an existing file.
TEST(Uring, OpenWriteCloseRenameAreTraced) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string in = dir / "in", f = dir / "f", g = dir / "g";
  WriteFile(in, "input\n");
  Trace t = TraceUring("basic", dir);
  ASSERT_EQ(t.status, 0) << t.err;
  SKIP_UNLESS_DECODED(t);

  std::optional<Json> read = UringEventAt(t, "open", in);
  ASSERT_TRUE(read);
  EXPECT_EQ((*read)["access"], "read");
  std::optional<Json> created = UringEventAt(t, "open", f);
  ASSERT_TRUE(created);
  EXPECT_EQ((*created)["access"], "write");
  EXPECT_EQ((*created)["created"], true);
  EXPECT_EQ((*created)["truncated"], true);
  UringEventAt(t, "modify", f);
  std::optional<Json> closed = UringEventAt(t, "close", f);
  ASSERT_TRUE(closed);
  EXPECT_EQ((*closed)["written"], true);
  EXPECT_EQ((*closed)["size"], 6);
  std::optional<Json> renamed = UringEventAt(t, "rename", g);
  ASSERT_TRUE(renamed);
  EXPECT_EQ((*renamed)["from"], f);

  EXPECT_EQ(t.ListedUnder("read", dir.path()), Paths{in});
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{g});
  ExpectNoUringWarning(t);
}

TEST(Uring, FsatraceLinesOfIoUringOperations) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string in = dir / "in", f = dir / "f", g = dir / "g";
  WriteFile(in, "input\n");
  if (!KernelDecodesUring()) GTEST_SKIP() << "io_uring operations are decoded from 5.19 on";
  Trace t = RunFantrace({"run", "--format", "fsatrace", "-o", "-", "--", Prog("uring_files"), "basic", dir.path()});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_TRUE(HasLine(t.out, "r|" + in)) << t.out;
  EXPECT_TRUE(HasLine(t.out, "w|" + f)) << t.out;
  EXPECT_TRUE(HasLine(t.out, "m|" + g + "|" + f)) << t.out;
}

// Direct descriptors (a linked open/write/close whose write and close name
// the slot before the open fills it; an open into an allocated slot) and
// a file registered with a registered buffer, written with WRITE_FIXED.
TEST(Uring, FixedFilesAndRegisteredBuffers) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string direct = dir / "direct", alloc = dir / "alloc", registered = dir / "registered";
  // (5.10's io_uring has neither sparse file tables nor MKDIRAT)
  if (!KernelDecodesUring()) GTEST_SKIP() << "io_uring operations are decoded from 5.19 on";
  Trace t = TraceUring("fixed", dir);
  ASSERT_EQ(t.status, 0) << t.err;

  for (const std::string& path : {direct, alloc}) {
    std::optional<Json> opened = UringEventAt(t, "open", path);
    ASSERT_TRUE(opened) << path;
    EXPECT_EQ((*opened)["created"], true);
    std::optional<Json> closed = UringEventAt(t, "close", path);
    ASSERT_TRUE(closed) << path;
    EXPECT_EQ((*closed)["written"], true);
  }
  UringEventAt(t, "modify", registered);  // opened by open(2), written through the ring
  std::optional<Json> closed = UringEventAt(t, "close", registered);
  ASSERT_TRUE(closed);
  EXPECT_EQ((*closed)["written"], true);
  EXPECT_EQ((*closed)["size"], 11);

  EXPECT_EQ(t.ListedUnder("written", dir.path()), (Paths{alloc, direct, registered}));
  ExpectNoUringWarning(t);
}

TEST(Uring, NameOperations) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string d = dir / "d", a = d + "/a", b = d + "/b", s = d + "/s";
  // (5.10's io_uring has neither sparse file tables nor MKDIRAT)
  if (!KernelDecodesUring()) GTEST_SKIP() << "io_uring operations are decoded from 5.19 on";
  Trace t = TraceUring("names", dir);
  ASSERT_EQ(t.status, 0) << t.err;

  UringEventAt(t, "mkdir", d);
  std::optional<Json> link = UringEventAt(t, "link", b);
  ASSERT_TRUE(link);
  EXPECT_EQ((*link)["target"], a);
  std::optional<Json> symlink = UringEventAt(t, "symlink", s);
  ASSERT_TRUE(symlink);
  EXPECT_EQ((*symlink)["target"], "a");
  UringEventAt(t, "unlink", a);
  EXPECT_TRUE(t.EventsAt("unlink", dir / "missing").empty()) << "a failed unlinkat is no event: " << t.jsonl;
  std::optional<Json> reopened = t.OnlyEventAt("open", b);  // openat2
  ASSERT_TRUE(reopened);
  EXPECT_TRUE(ViaUring(*reopened));
  EXPECT_EQ((*reopened)["access"], "read");

  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{b}) << "a, written, is gone; b is its link";
  EXPECT_EQ(t.ListedUnder("deleted", dir.path()), Paths{a});
  ExpectNoUringWarning(t);
}

// Under --probes an io_uring STATX is a lookup as statx(2) is: a stat of
// an existing path (by name, or from a directory fd), a missing one.
TEST(Uring, StatxIsALookupWithProbes) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  WriteFile(dir / "in", "x\n");
  Trace t = TraceUring("statx", dir, {"--probes"});
  ASSERT_EQ(t.status, 0) << t.err;
  SKIP_UNLESS_DECODED(t);

  std::vector<Json> stats = t.EventsAt("stat", dir / "in");
  ASSERT_EQ(stats.size(), 2u) << "by name and from the directory fd: " << t.jsonl;
  struct stat st = Stat(dir / "in");
  for (const Json& ev : stats) {
    EXPECT_TRUE(ViaUring(ev)) << ev.dump();
    EXPECT_EQ(ev["ino"], st.st_ino) << ev.dump();
    EXPECT_EQ(ev["dev"], st.st_dev) << ev.dump();
  }
  std::optional<Json> missing = UringEventAt(t, "missing", dir / "missing");
  EXPECT_TRUE(missing) << t.jsonl;
  EXPECT_EQ(t.ListedUnder("probed", dir.path()), Paths{dir / "in"}) << t.Summary().dump();
  EXPECT_EQ(t.ListedUnder("missing", dir.path()), Paths{dir / "missing"}) << t.Summary().dump();
  ExpectNoUringWarning(t);
}

// Without --probes a STATX is no event, and nothing is counted missing.
TEST(Uring, StatxWithoutProbesIsNoEvent) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  WriteFile(dir / "in", "x\n");
  Trace t = TraceUring("statx", dir);
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_TRUE(t.EventsAt("stat", dir / "in").empty()) << t.jsonl;
  EXPECT_TRUE(t.EventsAt("missing", dir / "missing").empty()) << t.jsonl;
  ExpectNoUringWarning(t);
}

TEST(Uring, SpliceTeeAndFallocateWrite) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string in = dir / "in", spliced = dir / "spliced", falloc = dir / "falloc";
  WriteFile(in, "input\n");
  Trace t = TraceUring("splice", dir);
  ASSERT_EQ(t.status, 0) << t.err;
  SKIP_UNLESS_DECODED(t);

  UringEventAt(t, "modify", spliced);
  UringEventAt(t, "modify", falloc);
  EXPECT_EQ(t.ListedUnder("written", dir.path()), (Paths{falloc, spliced}));
  EXPECT_EQ(t.ListedUnder("read", dir.path()), Paths{in});
  ExpectNoUringWarning(t);
}

// The SQPOLL thread submits for the process: a thread of it, traced.
TEST(Uring, SqpollThreadIsPartOfTheProcess) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string polled = dir / "polled";
  Trace t = TraceUring("sqpoll", dir);
  ASSERT_EQ(t.status, 0) << t.err;
  SKIP_UNLESS_DECODED(t);

  std::optional<Json> opened = UringEventAt(t, "open", polled);
  ASSERT_TRUE(opened);
  std::vector<Json> execs = t.Events("exec");
  ASSERT_FALSE(execs.empty());
  EXPECT_EQ((*opened)["pid"], execs.front()["pid"]);
  EXPECT_NE((*opened)["tid"], (*opened)["pid"]) << "submitted by the SQPOLL thread";
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{polled});
  ExpectNoUringWarning(t);
}

// User filters are tracepoint programs the io_uring programs cannot
// tail-call: the operations are counted and warned about, never silent.
TEST(Uring, WithUserFiltersUndecodedOperationsAreWarnedAbout) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  WriteFile(dir / "in", "input\n");
  Trace t = TraceUring("basic", dir, {"--filter-bpf", std::string(TEST_FILTER_DIR) + "/keep_all.bpf.o"});
  ASSERT_EQ(t.status, 0) << t.err;

  // two opens, a write, two closes, a rename (a read is no file operation)
  EXPECT_EQ(t.Summary()["stats"]["io_uring_undecoded"], 6) << t.Summary().dump();
  EXPECT_NE(t.err.find("fantrace: warning: "), std::string::npos) << t.err;
  EXPECT_NE(t.err.find("io_uring file operations could not be decoded"), std::string::npos) << t.err;
}

// True unless this kernel refuses to exec i386 programs (ENOEXEC: IA-32
// emulation off, as on some virtual machines' hosts).
bool KernelRunsI386(const std::string& prog) {
  pid_t pid = fork();
  if (pid == 0) {
    execl(prog.c_str(), prog.c_str(), "/dev/null", static_cast<char*>(nullptr));
    _exit(errno == ENOEXEC ? 125 : 127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  return !(WIFEXITED(status) && WEXITSTATUS(status) == 125);
}

// x86-64 fires no syscall tracepoints for ia32 syscalls: the exec of a
// 32-bit program is followed by an untraced event, and a warning.
TEST(Compat32, ThirtyTwoBitProgramIsReportedUntraced) {
  FANTRACE_REQUIRE_ROOT();
  if (!KernelRunsI386(Prog("write32"))) GTEST_SKIP() << "this kernel refuses i386 programs (ENOEXEC)";
  TempDir dir;
  std::string file = dir / "out32";
  Trace t = TraceRun({Prog("write32"), file});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_EQ(ReadFile(file), "written by a 32-bit program\n");

  std::vector<Json> untraced = t.Events("untraced");
  ASSERT_EQ(untraced.size(), 1u) << t.jsonl;
  EXPECT_EQ(untraced[0]["reason"], "compat_syscalls");
  EXPECT_EQ(untraced[0]["pid"], t.Events("exec").front()["pid"]);
  EXPECT_EQ(t.Summary()["untraced_compat"], 1);
  EXPECT_NE(t.err.find("processes ran 32-bit programs"), std::string::npos) << t.err;
}

TEST(Compat32, SixtyFourBitProgramIsNotReportedUntraced) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  Trace t = TraceRun({Prog("write_file"), dir / "out64"});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_TRUE(t.Events("untraced").empty()) << t.jsonl;
  EXPECT_EQ(t.Summary()["untraced_compat"], 0);
}

}  // namespace
}  // namespace fantrace::itest
