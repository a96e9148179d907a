// Metadata changes (attrib: mode, owner, times, xattr) and mknod, by the
// shell tools and by the fd forms of the calls; on by default.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "harness.h"

namespace fantrace::itest {
namespace {

std::multiset<std::string> WhatChanged(const Trace& t, const std::string& path) {
  std::multiset<std::string> what;
  for (const Json& ev : t.EventsAt("attrib", path)) what.insert(ev["what"].get<std::string>());
  return what;
}

TEST(Attrib, ChmodChownAndTouch) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string f = dir / "f";
  WriteFile(f, "x\n");
  Trace t = TraceRun({"/bin/sh", "-c", "chmod 600 " + f + " && chown 0:0 " + f + " && touch " + f +
                                           " && touch " + dir / "new"});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(WhatChanged(t, f), (std::multiset<std::string>{"mode", "owner", "times"})) << t.jsonl;
  EXPECT_EQ(WhatChanged(t, dir / "new"), (std::multiset<std::string>{"times"})) << t.jsonl;
  EXPECT_FALSE(t.Lists("written", f)) << "metadata is not content";
  EXPECT_TRUE(t.Lists("written", dir / "new")) << "touch created it";
}

// The fd forms (fchmod, fchown, futimens, fsetxattr) and the extended
// attribute calls by name.
TEST(Attrib, FdFormsAndExtendedAttributes) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string f = dir / "f";
  WriteFile(f, "x\n");
  Trace t = TraceRun({Prog("meta_change"), f});
  if (t.status == 77) GTEST_SKIP() << "no user extended attributes on " << dir.path();
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(WhatChanged(t, f), (std::multiset<std::string>{"xattr", "xattr", "xattr", "mode", "owner", "times"}))
      << t.jsonl;
}

TEST(Attrib, OnlyAttribWhenAsked) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string f = dir / "f";
  WriteFile(f, "x\n");
  Trace t = TraceRun({"chmod", "600", f}, {"--events", "exec,open"});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_TRUE(t.Events("attrib").empty()) << t.jsonl;
}

TEST(Mknod, FifoSocketAndDevice) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  Trace t = TraceRun({"/bin/sh", "-c", "mkfifo " + dir / "fifo" + " && mknod " + dir / "null" + " c 1 3" +
                                           " && mknod " + dir / "pipe" + " p"});
  ASSERT_EQ(t.status, 0) << t.err;

  std::optional<Json> fifo = t.OnlyEventAt("mknod", dir / "fifo");
  ASSERT_TRUE(fifo);
  EXPECT_EQ((*fifo)["kind"], "fifo");
  std::optional<Json> dev = t.OnlyEventAt("mknod", dir / "null");
  ASSERT_TRUE(dev);
  EXPECT_EQ((*dev)["kind"], "char");
  std::optional<Json> pipe = t.OnlyEventAt("mknod", dir / "pipe");
  ASSERT_TRUE(pipe);
  EXPECT_EQ((*pipe)["kind"], "fifo");
  EXPECT_TRUE(t.ListedUnder("written", dir.path()).empty()) << "no regular file was made";
}

// A path looked for, then made by mknod, is no longer missing.
TEST(Mknod, MadeAfterBeingMissed) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string fifo = dir / "fifo";
  Trace t = TraceRun({"/bin/sh", "-c", "! test -e " + fifo + " && mkfifo " + fifo}, {"--probes"});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_TRUE(t.OnlyEventAt("missing", fifo));
  EXPECT_TRUE(t.ListedUnder("missing", dir.path()).empty()) << t.Summary().dump();
}

}  // namespace
}  // namespace fantrace::itest
