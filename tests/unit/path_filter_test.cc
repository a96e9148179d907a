#include "lib/path_filter.h"

#include <gtest/gtest.h>

namespace fantrace {
namespace {

TEST(PathUnderPrefix, MatchesWholeComponentsOnly) {
  EXPECT_TRUE(PathUnderPrefix("/a/b", "/a/b"));
  EXPECT_TRUE(PathUnderPrefix("/a/b/c", "/a/b"));
  EXPECT_TRUE(PathUnderPrefix("/a/b/c", "/a/b/"));
  EXPECT_FALSE(PathUnderPrefix("/a/bc", "/a/b"));
  EXPECT_FALSE(PathUnderPrefix("/a", "/a/b"));
  EXPECT_TRUE(PathUnderPrefix("/anything", "/"));
}

TEST(PathFilter, IncludeThenExclude) {
  PathFilter f({"/work"}, {"/work/build"});
  EXPECT_TRUE(f.Selects("/work/src/x.c"));
  EXPECT_FALSE(f.Selects("/work/build/x.o"));
  EXPECT_FALSE(f.Selects("/etc/passwd"));
  EXPECT_FALSE(f.empty());
  EXPECT_TRUE(PathFilter({}, {}).empty());
}

TEST(PathFilter, RenameIsSelectedWhenEitherSideIs) {
  PathFilter f({"/out"}, {});
  Event rename;
  rename.type = EventType::kRename;
  rename.from = "/tmp/x.tmp";
  rename.path = "/out/x";
  EXPECT_TRUE(f.SelectsNameEvent(rename));
  rename.path = "/tmp/y";
  EXPECT_FALSE(f.SelectsNameEvent(rename));
  Event unlink;
  unlink.type = EventType::kUnlink;
  unlink.path = "/elsewhere/f";
  EXPECT_FALSE(f.SelectsNameEvent(unlink));
}

}  // namespace
}  // namespace fantrace
