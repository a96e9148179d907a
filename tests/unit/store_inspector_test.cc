#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <gtest/gtest.h>

#include <string>

#include "store/capture_policy.h"
#include "store/content_hash.h"
#include "store/file_inspector.h"
#include "store/kernel_devices.h"
#include "store/time_text.h"
#include "store_test_util.h"

namespace fantrace::store {
namespace {

using testing::ScratchDir;
using testing::Write;

// The close event the kernel would report for `path` as it is now.
Event CloseOf(const std::string& path) {
  struct stat st;
  EXPECT_EQ(stat(path.c_str(), &st), 0);
  Event ev;
  ev.type = EventType::kClose;
  ev.path = path;
  ev.dev = st.st_dev;
  ev.ino = st.st_ino;
  ev.size = static_cast<uint64_t>(st.st_size);
  ev.mtime_ns = st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec;
  ev.written = true;
  return ev;
}

TEST(FileInspector, UnchangedSinceCloseIsVerifiedAndHashed) {
  ScratchDir dir;
  KernelDevices devices;
  Write(dir / "out.csv", "a,b\n");
  FileFacts facts;
  facts.Add(CloseOf(dir / "out.csv"));
  FileRecord r = InspectFile(FileRole::kWritten, dir / "out.csv", facts, DefaultCapturePolicy(), HashScheme{}, devices);
  EXPECT_EQ(r.hash_state, HashState::kVerified);
  ASSERT_TRUE(r.hash);
  EXPECT_EQ(*r.hash, HashBytes("a,b\n"));
  EXPECT_FALSE(r.content) << "outputs are not captured";
}

TEST(FileInspector, ChangedAfterCloseIsReportedWithoutAHash) {
  ScratchDir dir;
  KernelDevices devices;
  Write(dir / "out.csv", "a,b\n");
  FileFacts facts;
  facts.Add(CloseOf(dir / "out.csv"));
  Write(dir / "out.csv", "a,b,c\n");  // same inode, other size
  FileRecord r = InspectFile(FileRole::kWritten, dir / "out.csv", facts, DefaultCapturePolicy(), HashScheme{}, devices);
  EXPECT_EQ(r.hash_state, HashState::kChanged);
  EXPECT_FALSE(r.hash);
}

TEST(FileInspector, ReplacedWrittenFileIsChanged) {
  ScratchDir dir;
  KernelDevices devices;
  Write(dir / "out.csv", "a\n");
  FileFacts facts;
  facts.Add(CloseOf(dir / "out.csv"));
  Write(dir / "new", "a\n");
  ASSERT_EQ(rename((dir / "new").c_str(), (dir / "out.csv").c_str()), 0);  // another inode, same bytes
  FileRecord r = InspectFile(FileRole::kWritten, dir / "out.csv", facts, DefaultCapturePolicy(), HashScheme{}, devices);
  EXPECT_EQ(r.hash_state, HashState::kChanged);
}

TEST(FileInspector, FollowsARenameAfterCloseByInode) {
  ScratchDir dir;
  KernelDevices devices;
  Write(dir / "tmp123", "obj\n");
  FileFacts facts;
  facts.Add(CloseOf(dir / "tmp123"));
  ASSERT_EQ(rename((dir / "tmp123").c_str(), (dir / "final.o").c_str()), 0);
  FileRecord r = InspectFile(FileRole::kWritten, dir / "final.o", facts, DefaultCapturePolicy(), HashScheme{}, devices);
  EXPECT_EQ(r.hash_state, HashState::kVerified);
}

TEST(FileInspector, ScriptsAreCapturedAndDeletedFilesMissing) {
  ScratchDir dir;
  KernelDevices devices;
  Write(dir / "run.py", "print(1)\n");
  Write(dir / "tool", "#!/bin/sh\n");
  FileFacts facts;
  Event exec;
  exec.type = EventType::kExec;
  exec.path = "/bin/sh";
  exec.script = dir / "tool";
  facts.Add(exec);
  FileRecord py = InspectFile(FileRole::kRead, dir / "run.py", facts, DefaultCapturePolicy(), HashScheme{}, devices);
  EXPECT_EQ(py.hash_state, HashState::kUnverified) << "no kernel facts to compare";
  ASSERT_TRUE(py.content);
  EXPECT_EQ(*py.content, "print(1)\n");
  EXPECT_EQ(*py.hash, HashBytes("print(1)\n"));
  FileRecord tool = InspectFile(FileRole::kExecuted, dir / "tool", facts, DefaultCapturePolicy(), HashScheme{}, devices);
  EXPECT_TRUE(tool.content) << "an exec'd script is kept whatever its name";

  CapturePolicy small = DefaultCapturePolicy();
  small.max_size = 4;
  EXPECT_FALSE(InspectFile(FileRole::kRead, dir / "run.py", facts, small, HashScheme{}, devices).content);

  FileRecord gone = InspectFile(FileRole::kDeleted, dir / "nothing", facts, DefaultCapturePolicy(), HashScheme{}, devices);
  EXPECT_EQ(gone.hash_state, HashState::kMissing);
}

TEST(KernelDevices, MountinfoGivesEachMountItsDevice) {
  const char* text =
      "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
      "48 27 0:41 / /mnt/data rw,relatime - btrfs /dev/loop0 rw,subvolid=5,subvol=/\n"
      "garbage\n"
      "52 27 0:45 / /merged rw - overlay overlay rw,lowerdir=/lo";  // no final newline
  std::map<uint64_t, uint64_t> m = ParseMountinfo(text);
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(m[22], makedev(254, 0));
  EXPECT_EQ(m[48], makedev(0, 41));
  EXPECT_EQ(m[52], makedev(0, 45));
}

TEST(CapturePolicy, SuffixesAndWholeNames) {
  CapturePolicy p = DefaultCapturePolicy();
  EXPECT_TRUE(WantsContent(p, "/a/b/x.py", false));
  EXPECT_TRUE(WantsContent(p, "/a/Makefile", false));
  EXPECT_FALSE(WantsContent(p, "/a/NotMakefile", false));
  EXPECT_FALSE(WantsContent(p, "/a/.py", false));
  EXPECT_FALSE(WantsContent(p, "/a/data.csv", false));
  EXPECT_TRUE(WantsContent(p, "/a/tool", true));
  EXPECT_EQ(SplitList(".a,,b,"), (std::vector<std::string>{".a", "b"}));
}

TEST(TimeText, ParsesDatesEpochsAndAges) {
  const int64_t now = 1'700'000'000LL * 1'000'000'000;
  EXPECT_EQ(*ParseTimeSpec("@1700000000", now), now);
  EXPECT_EQ(*ParseTimeSpec("2h", now), now - 7200LL * 1'000'000'000);
  EXPECT_EQ(*ParseTimeSpec("3d", now), now - 3 * 86400LL * 1'000'000'000);
  Result<int64_t> day = ParseTimeSpec("2024-02-29", now);
  Result<int64_t> minute = ParseTimeSpec("2024-02-29 10:30", now);
  Result<int64_t> second = ParseTimeSpec("2024-02-29T10:30:15", now);
  ASSERT_TRUE(day && minute && second);
  EXPECT_EQ(*minute - *day, (10 * 3600 + 30 * 60) * 1'000'000'000LL);
  EXPECT_EQ(*second - *minute, 15 * 1'000'000'000LL);
  for (const char* bad : {"", "yesterday", "2h30", "2024-13-01", "2024-02-29 25:00", "@x", "5y", "2024-02-30",
                          "2023-02-29", "2024-04-31", "2024-00-10", "2024-01-00"})
    EXPECT_FALSE(ParseTimeSpec(bad, now)) << bad;
  EXPECT_EQ(FormatLocalTime(*minute), "2024-02-29 10:30:00");
  EXPECT_EQ(*ParseTimeSpec("2999-01-01", now), INT64_MAX) << "saturates instead of wrapping";
}

}  // namespace
}  // namespace fantrace::store
