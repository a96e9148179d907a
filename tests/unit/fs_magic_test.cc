#include "lib/fs_magic.h"

#include <gtest/gtest.h>

namespace fantrace {
namespace {

TEST(FsMagic, KnownNamesHaveTheKernelsMagic) {
  EXPECT_EQ(*FilesystemMagic("proc"), 0x9fa0u);
  EXPECT_EQ(*FilesystemMagic("sysfs"), 0x62656572u);
  EXPECT_EQ(*FilesystemMagic("tmpfs"), 0x01021994u);
  EXPECT_FALSE(FilesystemMagic("nosuchfs").ok());
}

TEST(FsMagic, ListsNoneDefaultAndNames) {
  EXPECT_TRUE(ParseFilesystemList("none")->empty());
  EXPECT_EQ(*ParseFilesystemList("default"), DefaultExcludedFilesystems());
  auto two = ParseFilesystemList("proc,tmpfs");
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(*two, (std::vector<std::string>{"proc", "tmpfs"}));
  auto with_default = ParseFilesystemList("default,tmpfs");
  ASSERT_TRUE(with_default.ok());
  EXPECT_EQ(with_default->size(), DefaultExcludedFilesystems().size() + 1);
  EXPECT_FALSE(ParseFilesystemList("proc,bogus").ok());
}

TEST(FsMagic, EveryDefaultIsKnown) {
  for (const std::string& name : DefaultExcludedFilesystems()) EXPECT_TRUE(FilesystemMagic(name).ok()) << name;
}

}  // namespace
}  // namespace fantrace
