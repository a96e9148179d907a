#include "lib/mount_table.h"

#include <sys/sysmacros.h>

#include <gtest/gtest.h>

namespace fantrace {
namespace {

constexpr const char* kMountInfo =
    "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n"
    "30 22 0:25 / /tmp rw,nosuid shared:5 - tmpfs tmpfs rw\n"
    "41 22 254:1 /srv/data /mnt/my\\040data rw shared:1 - ext4 /dev/vda1 rw\n"
    "garbage line\n";

TEST(ParseMountInfo, ReadsDeviceRootAndMountPoint) {
  std::vector<MountEntry> mounts = ParseMountInfo(kMountInfo);
  ASSERT_EQ(mounts.size(), 3u);
  EXPECT_EQ(mounts[0].dev, makedev(254, 1));
  EXPECT_EQ(mounts[0].root, "/");
  EXPECT_EQ(mounts[0].mount_point, "/");
  EXPECT_EQ(mounts[1].dev, makedev(0, 25));
  EXPECT_EQ(mounts[1].mount_point, "/tmp");
  EXPECT_EQ(mounts[2].root, "/srv/data");
  EXPECT_EQ(mounts[2].mount_point, "/mnt/my data");  // \040 decoded
}

TEST(PathsOnMounts, EveryMountThatShowsTheFile) {
  std::vector<MountEntry> mounts = ParseMountInfo(kMountInfo);
  EXPECT_EQ(PathsOnMounts(mounts, makedev(254, 1), "/srv/data/f"),
            (std::vector<std::string>{"/srv/data/f", "/mnt/my data/f"}));
  EXPECT_EQ(PathsOnMounts(mounts, makedev(254, 1), "/srv/database/f"),
            std::vector<std::string>{"/srv/database/f"});  // not under /srv/data
  EXPECT_EQ(PathsOnMounts(mounts, makedev(0, 25), "/build/src/f"), std::vector<std::string>{"/tmp/build/src/f"});
  EXPECT_TRUE(PathsOnMounts(mounts, makedev(9, 9), "/f").empty());
}

TEST(RebaseFsPath, FollowsARenameInsideTheMount) {
  // mnt is a bind mount of src: the common tail is the part inside it
  EXPECT_EQ(RebaseFsPath("/w/mnt/g.tmp", "/w/src/g.tmp", "/w/mnt/g"), "/w/src/g");
  EXPECT_EQ(RebaseFsPath("/w/mnt/d/f", "/w/src/d/f", "/w/mnt/e/f"), "/w/src/e/f");
  // a file system mounted at /w/mnt in the tree's namespace: fs path from its root
  EXPECT_EQ(RebaseFsPath("/w/mnt/f", "/f", "/w/mnt/g"), "/g");
  // the same name on both sides: the whole path is the tail
  EXPECT_EQ(RebaseFsPath("/a/f", "/a/f", "/b/g"), "/b/g");
  // a name that only partly matches is not a mount boundary
  EXPECT_EQ(RebaseFsPath("/w/xmnt/f", "/w/ymnt/f", "/w/xmnt/g"), "/w/ymnt/g");
  // out of the mount
  EXPECT_EQ(RebaseFsPath("/w/mnt/f", "/w/src/f", "/elsewhere/f"), "");
}

}  // namespace
}  // namespace fantrace
