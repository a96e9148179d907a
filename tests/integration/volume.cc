// Volume: a burst of opens must not overflow the default ring buffer, and
// when a small buffer does overflow, every drop is counted.
#include <gtest/gtest.h>

#include "harness.h"

namespace fantrace::itest {
namespace {

constexpr int kFiles = 100000;
constexpr int kSmallBufferFiles = 20000;
constexpr const char* kSmallestBuffer = "64K";

// Creates DIR/f_0 .. DIR/f_{count-1} outside the trace, then traces
// opening each of them once.
Trace TraceOpeningMany(const TempDir& dir, int count, const std::vector<std::string>& options) {
  const std::string n = std::to_string(count);
  EXPECT_EQ(RunUntraced({Prog("many_files"), "create", dir.path(), n}).status, 0);
  return TraceRun({Prog("many_files"), "open", dir.path(), n}, options);
}

TEST(Volume, HundredThousandOpensLoseNothing) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  Trace t = TraceOpeningMany(dir, kFiles, {});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.Summary()["lost"], 0);
  EXPECT_TRUE(t.Events("lost").empty());
  Paths read = t.ListedUnder("read", dir.path());
  Paths missing = Missing(NumberedFiles(dir, "f_", kFiles), read);
  EXPECT_TRUE(missing.empty()) << missing.size() << " files missing from read:\n" << Head(missing);
  EXPECT_EQ(read.size(), static_cast<size_t>(kFiles));
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{});
}

// The small buffer may or may not overflow on a given machine; either way
// the "lost" events add up to the summary's count, and only lost events
// can explain a file missing from "read".
TEST(Volume, OverflowIsCountedAndAccountsForEveryMissingFile) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  Trace t = TraceOpeningMany(dir, kSmallBufferFiles, {"--buffer-size", kSmallestBuffer});
  ASSERT_EQ(t.status, 0) << t.err;

  long lost_events = 0;
  for (const Json& lost : t.Events("lost")) lost_events += lost.value("count", 0L);
  long lost = t.Summary().value("lost", -1L);
  EXPECT_EQ(lost, lost_events);
  Paths missing =
      Missing(NumberedFiles(dir, "f_", kSmallBufferFiles), t.ListedUnder("read", dir.path()));
  EXPECT_LE(static_cast<long>(missing.size()), lost) << Head(missing);
  if (lost > 0) {
    EXPECT_NE(t.err.find("lost"), std::string::npos) << "no warning: " << t.err;
  }
}

}  // namespace
}  // namespace fantrace::itest
