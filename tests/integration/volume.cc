// Volume: a burst of opens must not overflow the default ring buffer.
#include <gtest/gtest.h>

#include "harness.h"

namespace fantrace::itest {
namespace {

constexpr int kFiles = 100000;

TEST(Volume, HundredThousandOpensLoseNothing) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  const std::string count = std::to_string(kFiles);
  ASSERT_EQ(RunUntraced({Prog("many_files"), "create", dir.path(), count}).status, 0);
  Trace t = TraceRun({Prog("many_files"), "open", dir.path(), count});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.Summary()["lost"], 0);
  EXPECT_TRUE(t.Events("lost").empty());
  Paths read = t.ListedUnder("read", dir.path());
  Paths missing = Missing(NumberedFiles(dir, "f_", kFiles), read);
  EXPECT_TRUE(missing.empty()) << missing.size() << " files missing from read:\n" << Head(missing);
  EXPECT_EQ(read.size(), static_cast<size_t>(kFiles));
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{});
}

}  // namespace
}  // namespace fantrace::itest
