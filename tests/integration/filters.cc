// The options that choose what is reported: --include and --exclude path
// prefixes, --events kinds, and --no-merge.
#include <gtest/gtest.h>

#include <filesystem>

#include "harness.h"

namespace fantrace::itest {
namespace {

// A tree of two directories, each with one file the command writes.
class Filters : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directory(dir_ / "kept");
    std::filesystem::create_directory(dir_ / "dropped");
  }
  Trace Write(const std::vector<std::string>& options) {
    return TraceRun({Prog("write_file"), kept_, dropped_}, options);
  }

  TempDir dir_;
  std::string kept_ = dir_ / "kept/file";
  std::string dropped_ = dir_ / "dropped/file";
};

TEST_F(Filters, IncludeKeepsOnlyThePrefix) {
  FANTRACE_REQUIRE_ROOT();
  Trace t = Write({"--include", dir_ / "kept"});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_EQ(t.ListedUnder("written", dir_.path()), Paths{kept_});
  EXPECT_TRUE(t.EventsAtPath(dropped_).empty()) << t.jsonl;
}

TEST_F(Filters, ExcludeDropsThePrefix) {
  FANTRACE_REQUIRE_ROOT();
  Trace t = Write({"--exclude", dir_ / "dropped"});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_EQ(t.ListedUnder("written", dir_.path()), Paths{kept_});
  EXPECT_TRUE(t.EventsAtPath(dropped_).empty()) << t.jsonl;
}

TEST_F(Filters, EventsKeepsOnlyTheNamedKinds) {
  FANTRACE_REQUIRE_ROOT();
  Trace t = Write({"--events", "exec,exit"});
  ASSERT_EQ(t.status, 0) << t.err;
  for (const Json& event : t.events) {
    std::string type = event.value("type", "");
    EXPECT_TRUE(type == "exec" || type == "exit" || type == "summary") << event.dump();
  }
  EXPECT_EQ(t.Events("exec").size(), 1u) << t.jsonl;
  EXPECT_EQ(t.Events("exit").size(), 1u) << t.jsonl;
}

// cat opens the same file three times for reading: identical events merged
// into the first by default, each one reported with --no-merge.
TEST_F(Filters, RepeatedOpensMergeUnlessNoMerge) {
  FANTRACE_REQUIRE_ROOT();
  WriteFile(kept_, "x\n");
  const std::vector<std::string> cat_thrice{"cat", kept_, kept_, kept_};
  Trace merged = TraceRun(cat_thrice);
  Trace unmerged = TraceRun(cat_thrice, {"--no-merge"});
  ASSERT_EQ(merged.status, 0) << merged.err;
  ASSERT_EQ(unmerged.status, 0) << unmerged.err;

  EXPECT_EQ(merged.EventsAt("open", kept_).size(), 1u) << merged.jsonl;
  EXPECT_EQ(unmerged.EventsAt("open", kept_).size(), 3u) << unmerged.jsonl;
  EXPECT_EQ(merged.ListedUnder("read", dir_.path()), Paths{kept_});
  EXPECT_EQ(unmerged.ListedUnder("read", dir_.path()), Paths{kept_});
}

}  // namespace
}  // namespace fantrace::itest
