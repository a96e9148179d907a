// The filtering options: --include and --exclude path prefixes.
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
  EXPECT_FALSE(t.MentionsUnder(dir_ / "dropped")) << t.jsonl;
}

TEST_F(Filters, ExcludeDropsThePrefix) {
  FANTRACE_REQUIRE_ROOT();
  Trace t = Write({"--exclude", dir_ / "dropped"});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_EQ(t.ListedUnder("written", dir_.path()), Paths{kept_});
  EXPECT_FALSE(t.MentionsUnder(dir_ / "dropped")) << t.jsonl;
}

}  // namespace
}  // namespace fantrace::itest
