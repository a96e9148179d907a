#include "lib/path_normalize.h"

#include <gtest/gtest.h>

namespace fantrace {
namespace {

TEST(NormalizePath, CollapsesSlashesAndDots) {
  EXPECT_EQ(NormalizePath("/a//b/./c/"), "/a/b/c");
  EXPECT_EQ(NormalizePath("//a"), "/a");
  EXPECT_EQ(NormalizePath("/./"), "/");
  EXPECT_EQ(NormalizePath("/"), "/");
  EXPECT_EQ(NormalizePath(""), "");
}

TEST(NormalizePath, ResolvesDotDotLexicallyNeverAboveRoot) {
  EXPECT_EQ(NormalizePath("/a/b/../c"), "/a/c");
  EXPECT_EQ(NormalizePath("/a/b/../../.."), "/");
  EXPECT_EQ(NormalizePath("/../../etc/passwd"), "/etc/passwd");
  EXPECT_EQ(NormalizePath("/a/../b/.."), "/");
}

TEST(NormalizePath, RelativePathsKeepLeadingDotDot) {
  EXPECT_EQ(NormalizePath("a/./b/"), "a/b");
  EXPECT_EQ(NormalizePath("../a"), "../a");
  EXPECT_EQ(NormalizePath("a/../../b"), "../b");
  EXPECT_EQ(NormalizePath("a/.."), ".");
}

TEST(NormalizePath, DotsInsideNamesAreNames) {
  EXPECT_EQ(NormalizePath("/a/.hidden/..."), "/a/.hidden/...");
  EXPECT_EQ(NormalizePath("/a/..b/b.."), "/a/..b/b..");
}

TEST(NormalizePath, BytesAreNotInterpreted) {
  const std::string raw("/a/\xff\xfe/\n/../x", 12);
  EXPECT_EQ(NormalizePath(raw), std::string("/a/\xff\xfe/x", 7));
}

TEST(JoinAndNormalize, AbsoluteNameIgnoresBase) {
  EXPECT_EQ(JoinAndNormalize("/home/u", "/etc/hosts"), "/etc/hosts");
  EXPECT_EQ(JoinAndNormalize("", "/etc//hosts"), "/etc/hosts");
}

TEST(JoinAndNormalize, RelativeNameJoinsBase) {
  EXPECT_EQ(JoinAndNormalize("/home/u", "src/../out/a.o"), "/home/u/out/a.o");
  EXPECT_EQ(JoinAndNormalize("/home/u/", "./a"), "/home/u/a");
  EXPECT_EQ(JoinAndNormalize("/", "a"), "/a");
  EXPECT_EQ(JoinAndNormalize("/home/u", "../../../.."), "/");
  EXPECT_EQ(JoinAndNormalize("/home/u", ""), "/home/u");
}

TEST(JoinAndNormalize, EmptyBaseStillGivesAnAbsolutePath) {
  EXPECT_EQ(JoinAndNormalize("", "a/b"), "/a/b");
}

}  // namespace
}  // namespace fantrace
