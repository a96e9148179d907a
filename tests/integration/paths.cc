// How paths are reported: absolute and canonical whatever the process
// passed (relative names, dirfds, symlinks, mount points), and byte-exact
// for names that are awkward in JSON.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "harness.h"

namespace fantrace::itest {
namespace {

TEST(Paths, RelativeAndDirfdNamesAreAbsolute) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::filesystem::create_directory(dir / "sub");
  std::filesystem::create_directory(dir / "d");
  Trace t = TraceRun({Prog("relative_open"), dir.path()});
  ASSERT_EQ(t.status, 0) << t.err;

  Paths expected{dir / "d/y", dir / "sub/x", dir / "z"};
  EXPECT_EQ(t.ListedUnder("written", dir.path()), expected);
  for (const std::string& path : expected)
    EXPECT_EQ(t.EventsAt("open", path).size(), 1u) << path << "\n" << t.jsonl;
}

TEST(Paths, OpeningThroughASymlinkReportsTheTarget) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  WriteFile(dir / "real", "content\n");
  std::filesystem::create_symlink("real", dir / "link");
  Trace t = TraceRun({"cat", dir / "link"});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.ListedUnder("read", dir.path()), Paths{dir / "real"});
  EXPECT_EQ(t.EventsAt("open", dir / "real").size(), 1u) << t.jsonl;
  EXPECT_TRUE(t.EventsAt("open", dir / "link").empty()) << t.jsonl;
}

TEST(Paths, WritingThroughASymlinkedDirectoryReportsTheRealDirectory) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::filesystem::create_directory(dir / "realdir");
  std::filesystem::create_directory_symlink(dir / "realdir", dir / "linkdir");
  Trace t = TraceRun({Prog("write_file"), dir / "linkdir/file"});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{dir / "realdir/file"});
}

TEST(Paths, SymlinkCreationReportsTheLinkText) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string link = dir / "newlink";
  Trace t = TraceRun({"ln", "-s", "some/../relative target", link});
  ASSERT_EQ(t.status, 0) << t.err;

  std::optional<Json> symlink_event = t.OnlyEventAt("symlink", link);
  ASSERT_TRUE(symlink_event);
  EXPECT_EQ((*symlink_event)["target"], "some/../relative target") << "the link text, unresolved";
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{}) << "a symlink is not a regular file";
}

TEST(Paths, FilesOnATmpfsMount) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string mnt = dir / "mnt";
  ScopedMount tmpfs("tmpfs", mnt, "tmpfs", 0);
  ASSERT_TRUE(tmpfs.mounted());
  WriteFile(mnt + "/input", "on tmpfs\n");
  std::string output = mnt + "/output";
  Trace t = TraceRun({"cp", mnt + "/input", output});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.ListedUnder("read", dir.path()), Paths{mnt + "/input"});
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{output});
  std::optional<Json> opened = t.OnlyEventAt("open", output);
  ASSERT_TRUE(opened);
  struct stat st = Stat(output);
  EXPECT_EQ((*opened)["dev"], st.st_dev) << "tmpfs has its own device number";
  EXPECT_EQ((*opened)["ino"], st.st_ino);
}

// A bind mount shows the same files at a second place; the kernel's dentry
// path is the one the process used.
TEST(Paths, FilesThroughABindMount) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::filesystem::create_directory(dir / "source");
  std::string view = dir / "view";
  ScopedMount bind(dir / "source", view, nullptr, MS_BIND);
  ASSERT_TRUE(bind.mounted());
  Trace t = TraceRun({Prog("write_file"), view + "/file"});
  ASSERT_EQ(t.status, 0) << t.err;
  ASSERT_TRUE(std::filesystem::exists(dir / "source/file"));

  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{view + "/file"});
}

// 300 nested directories, about 2,700 bytes of path: resolution walks
// every component within its bounds.
TEST(Paths, DeepPathIsComplete) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  constexpr int kDepth = 300;
  std::string deep = dir.path();
  for (int i = 0; i < kDepth; ++i) deep += "/level" + std::to_string(i);
  std::filesystem::create_directories(deep);
  std::string file = deep + "/file";
  Trace t = TraceRun({Prog("write_file"), file});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{file});
  EXPECT_EQ(t.EventsAt("open", file).size(), 1u) << t.jsonl;
}

// deep_write builds a path of about 4,600 bytes, past the 4096-byte bound:
// the open is reported with the path's last components and marked.
TEST(Paths, OverLongPathIsMarkedAndKeepsItsEnd) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  constexpr int kDepth = 45;
  Trace t = TraceRun({Prog("deep_write"), dir.path(), std::to_string(kDepth)});
  // remove_all cannot name files past PATH_MAX; rm walks with openat.
  ProcessResult cleanup = RunUntraced({"rm", "-rf", dir / "d000_" + std::string(95, 'x')});
  ASSERT_EQ(t.status, 0) << t.err;
  ASSERT_EQ(cleanup.status, 0) << cleanup.err;

  std::string full = dir.path();
  for (int i = 0; i < kDepth; ++i) {
    std::string prefix = "d" + std::string(i < 10 ? "00" : "0") + std::to_string(i) + "_";
    full += "/" + prefix + std::string(100 - prefix.size(), 'x');
  }
  full += "/file";
  std::vector<Json> opens;
  for (const Json& open : t.Events("open"))
    if (open.value("path", "").ends_with("/file")) opens.push_back(open);
  ASSERT_EQ(opens.size(), 1u) << t.jsonl;
  std::string reported = opens[0].value("path", "");
  EXPECT_EQ(opens[0]["truncated_path"], true);
  EXPECT_LE(reported.size(), 4096u);
  EXPECT_TRUE(full.ends_with(reported)) << "not the end of the real path: " << reported;
}

TEST(Paths, AwkwardNamesRoundTripByteForByte) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  const Paths names{"new\nline", "double\"quote", "back\\slash", "\xff\xfe",
                    "tab\tbell\x07", "caf\xc3\xa9", "mixed\xc3\xa9\xe9"};
  Paths paths;
  for (const std::string& name : names) paths.push_back(dir / name);
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> command{Prog("write_file")};
  command.insert(command.end(), paths.begin(), paths.end());
  Trace t = TraceRun(command);
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.ListedUnder("written", dir.path()), paths);
  for (const std::string& path : paths)
    EXPECT_EQ(t.EventsAt("open", path).size(), 1u) << path << "\n" << t.jsonl;
  bool escaped = t.jsonl.find("\\udcff\\udcfe") != std::string::npos ||
                 t.jsonl.find("\\uDCFF\\uDCFE") != std::string::npos;
  EXPECT_TRUE(escaped) << "bytes that are not UTF-8 are written as surrogate escapes";
}

}  // namespace
}  // namespace fantrace::itest
