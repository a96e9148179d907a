// --filter-arg parsing (the loading itself needs the kernel: see
// tests/integration/user_filters.cc).
#include "lib/user_filters.h"

#include <gtest/gtest.h>

namespace fantrace {
namespace {

TEST(ParseFilterParam, SplitsAtTheFirstEquals) {
  Result<FilterParam> p = ParseFilterParam("suffixes=.o,.a=b");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->key, "suffixes");
  EXPECT_EQ(p->value, ".o,.a=b");
  Result<FilterParam> empty = ParseFilterParam("ft_cwd=");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->value, "");
}

TEST(ParseFilterParam, RejectsAMissingKeyOrEquals) {
  for (const char* bad : {"min_size", "=5", ""}) {
    Result<FilterParam> p = ParseFilterParam(bad);
    ASSERT_FALSE(p.ok()) << bad;
    EXPECT_NE(p.error().message.find("KEY=VALUE"), std::string::npos);
  }
}

}  // namespace
}  // namespace fantrace
