// Files the tree lets go of, or gets hold of, without close() or open():
// close-on-exec, a mapping that outlives close(), a memfd, an fd received
// over a Unix socket. Each must show in the trace, once.
#include <gtest/gtest.h>

#include <filesystem>

#include "harness.h"

namespace fantrace::itest {
namespace {

TEST(HiddenCloses, CloseOnExecIsReportedAtTheExecOnce) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "out";
  Trace t = TraceRun({Prog("cloexec_write"), file, "/bin/true"});
  ASSERT_EQ(t.status, 0) << t.err;
  ASSERT_EQ(ReadFile(file), "cloexec\n");

  std::vector<Json> closes = t.EventsAt("close", file);
  ASSERT_EQ(closes.size(), 1u) << t.jsonl;
  EXPECT_EQ(closes[0]["written"], true);
  EXPECT_EQ(closes[0]["at"], "exec");
  EXPECT_EQ(closes[0]["size"], 8);
  // reported before the new program's exec line, by the same process
  std::vector<Json> execs = t.EventsOf("exec", closes[0]["pid"].get<long>());
  ASSERT_EQ(execs.size(), 2u) << t.jsonl;
  EXPECT_EQ(execs[1]["path"], Canonical("/bin/true"));
  EXPECT_LT(closes[0]["time"].get<uint64_t>(), execs[1]["time"].get<uint64_t>());
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{file});
}

class MappedAfterClose : public testing::TestWithParam<const char*> {};

// Changed through a shared mapping that outlives close(): the close comes
// when the mapping goes (munmap, exit or exec), with written, size, mtime.
TEST_P(MappedAfterClose, CloseComesWhenTheMappingGoes) {
  FANTRACE_REQUIRE_ROOT();
  const std::string when = GetParam();
  TempDir dir;
  std::string file = dir / "mapped";
  WriteFile(file, std::string(4096, '.'));
  Trace t = TraceRun({Prog("mmap_write"), file, when});
  ASSERT_EQ(t.status, 0) << t.err;
  ASSERT_TRUE(ReadFile(file).starts_with("mapped"));

  std::vector<Json> closes = t.EventsAt("close", file);
  ASSERT_EQ(closes.size(), 1u) << t.jsonl;
  EXPECT_EQ(closes[0]["written"], true);
  EXPECT_EQ(closes[0]["size"], 4096);
  EXPECT_EQ(closes[0]["at"], when) << t.jsonl;
  EXPECT_EQ(closes[0]["mtime"].get<int64_t>(),
            Stat(file).st_mtim.tv_sec * 1'000'000'000LL + Stat(file).st_mtim.tv_nsec);
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{file});
}

INSTANTIATE_TEST_SUITE_P(When, MappedAfterClose, testing::Values("munmap", "exit", "exec"));

TEST(HiddenCloses, MemfdIsMarkedAndNeverAnOutput) {
  FANTRACE_REQUIRE_ROOT();
  Trace t = TraceRun({Prog("memfd_write"), "fantrace-test"});
  ASSERT_EQ(t.status, 0) << t.err;

  std::optional<Json> opened = t.OnlyEventAt("open", "/memfd:fantrace-test");
  ASSERT_TRUE(opened) << t.jsonl;
  EXPECT_EQ((*opened)["memfd"], true);
  EXPECT_EQ((*opened)["created"], true);
  std::vector<Json> modifies = t.EventsAt("modify", "/memfd:fantrace-test");
  ASSERT_EQ(modifies.size(), 1u) << t.jsonl;
  EXPECT_EQ(modifies[0]["memfd"], true);
  std::optional<Json> closed = t.OnlyEventAt("close", "/memfd:fantrace-test");
  ASSERT_TRUE(closed) << t.jsonl;
  EXPECT_EQ((*closed)["memfd"], true);
  EXPECT_EQ((*closed)["written"], true);
  for (const char* list : {"written", "read"})
    for (const std::string& path : t.Listed(list)) EXPECT_EQ(path.find("memfd"), std::string::npos) << path;
}

// The sender runs outside the tree: the receiver's only way to the file is
// the fd it got, and its reads must count.
TEST(HiddenCloses, FdReceivedOverAUnixSocketIsAnOpen) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "input", socket = dir / "sock";
  WriteFile(file, "sent over a socket\n");
  Process sender({Prog("scm_rights"), "send", socket, file});
  Trace t = TraceRun({Prog("scm_rights"), "recv", socket});
  ASSERT_EQ(t.status, 0) << t.err;
  ASSERT_EQ(sender.Wait().status, 0);

  std::optional<Json> opened = t.OnlyEventAt("open", file);
  ASSERT_TRUE(opened) << t.jsonl;
  EXPECT_EQ((*opened)["via"], "scm_rights");
  EXPECT_EQ((*opened)["access"], "read");
  EXPECT_EQ((*opened)["created"], false);
  EXPECT_EQ((*opened)["ino"], Stat(file).st_ino);
  EXPECT_EQ(t.ListedUnder("read", dir.path()), Paths{file});
  EXPECT_EQ(t.EventsAt("close", file).size(), 1u) << t.jsonl;
}

}  // namespace
}  // namespace fantrace::itest
