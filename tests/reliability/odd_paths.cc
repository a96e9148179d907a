// Paths the integration tests do not reach: every byte value in a name
// (kernel-resolved and name-based events), the PATH_MAX boundary, name
// events 100 levels deep, a file deleted while open, overlayfs, a chroot.
// Each is reported exactly, or cut and marked truncated_path.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "reliability.h"

namespace fantrace::rtest {
namespace {

std::string Hex(unsigned byte) {
  const char* digits = "0123456789abcdef";
  return {digits[byte >> 4], digits[byte & 15]};
}

// One name per byte value 1..255 but '/', and one name holding all of them.
Paths EveryByteNames(const TempDir& dir, std::string* all_bytes) {
  Paths paths;
  all_bytes->clear();
  for (unsigned b = 1; b < 256; ++b) {
    if (b == '/') continue;
    paths.push_back(dir / ("b" + Hex(b) + "_" + std::string(1, static_cast<char>(b))));
    *all_bytes += static_cast<char>(b);
  }
  paths.push_back(dir / *all_bytes);
  std::sort(paths.begin(), paths.end());
  return paths;
}

TEST(OddPaths, EveryByteValueRoundTrips) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string all_bytes;
  Paths paths = EveryByteNames(dir, &all_bytes);
  std::vector<std::string> command{itest::Prog("write_file")};
  command.insert(command.end(), paths.begin(), paths.end());
  Trace t = itest::TraceRun(command);
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_EQ(t.ListedUnder("written", dir.path()), paths);
  for (const std::string& path : paths) EXPECT_EQ(t.EventsAt("open", path).size(), 1u) << path;

  // Name events: the name as the task passed it, joined to its base.
  std::string renamed = dir / ("renamed " + all_bytes.substr(0, 200));
  Trace mv = itest::TraceRun({"mv", dir / all_bytes, renamed});
  ASSERT_EQ(mv.status, 0) << mv.err;
  std::optional<Json> rename = mv.OnlyEventAt("rename", renamed);
  ASSERT_TRUE(rename);
  EXPECT_EQ((*rename)["from"], dir / all_bytes);
  Trace rm = itest::TraceRun({"rm", renamed});
  ASSERT_EQ(rm.status, 0) << rm.err;
  EXPECT_EQ(rm.Listed("deleted"), Paths{renamed});
}

// A file whose absolute path has `length` bytes, made one component at a
// time (long_path) under DIR/<length>; returns the path.
std::string PathOfLength(const TempDir& dir, size_t length, std::string* relative) {
  std::string base = dir / std::to_string(length);
  std::filesystem::create_directory(base);
  std::string path = base;
  relative->clear();
  while (path.size() < length) {
    size_t left = length - path.size() - 1;  // after the next '/'
    // Components of at most 200 bytes; never leave 1 byte for the last.
    size_t take = left <= 200 ? left : std::min<size_t>(200, left - 2);
    std::string component(take, 'c');
    *relative += (relative->empty() ? "" : "/") + component;
    path += "/" + component;
  }
  return path;
}

TEST(OddPaths, PathMaxBoundaryIsExactOrMarked) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  for (size_t length : {4094u, 4095u, 4096u, 4097u, 6000u}) {
    std::string relative;
    std::string path = PathOfLength(dir, length, &relative);
    ASSERT_EQ(path.size(), length);
    std::string base = dir / std::to_string(length);
    Trace t = itest::TraceRun({RProg("long_path"), base, relative});
    itest::RunUntraced({"rm", "-rf", base});
    ASSERT_EQ(t.status, 0) << length << ": " << t.err;

    std::vector<Json> opens;
    for (const Json& open : t.Events("open"))
      if (open.value("path", "").ends_with("/" + relative.substr(relative.rfind('/') + 1)))
        opens.push_back(open);
    ASSERT_EQ(opens.size(), 1u) << length << "\n" << t.jsonl;
    std::string reported = opens[0].value("path", "");
    bool marked = opens[0].value("truncated_path", false);
    if (length < 4096) {
      EXPECT_EQ(reported, path) << length;
      EXPECT_FALSE(marked) << length;
    } else if (!marked) {
      EXPECT_EQ(reported, path) << length << ": cut but not marked";
    } else {
      EXPECT_TRUE(path.ends_with(reported)) << length << ": " << reported.size() << " bytes";
      EXPECT_LE(reported.size(), 4096u);
    }
    RecordProperty("reported_length_" + std::to_string(length),
                   std::to_string(reported.size()) + (marked ? " truncated" : ""));
  }
}

// mkdir -p and rm -r walk 100 levels with names relative to the cwd or a
// dirfd: each name event joins them into the full path.
TEST(OddPaths, HundredLevelsOfNameEvents) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  constexpr int kLevels = 100;
  Paths levels;
  std::string path = dir.path();
  for (int i = 0; i < kLevels; ++i) levels.push_back(path += "/level" + std::to_string(i));
  std::sort(levels.begin(), levels.end());

  Trace made = itest::TraceRun({"mkdir", "-p", path});
  ASSERT_EQ(made.status, 0) << made.err;
  Paths mkdirs;
  for (const Json& event : made.Events("mkdir")) mkdirs.push_back(event.value("path", ""));
  std::sort(mkdirs.begin(), mkdirs.end());
  EXPECT_EQ(mkdirs, levels);

  Trace removed = itest::TraceRun({"rm", "-r", dir / "level0"});
  ASSERT_EQ(removed.status, 0) << removed.err;
  Paths rmdirs;
  for (const Json& event : removed.Events("rmdir")) rmdirs.push_back(event.value("path", ""));
  std::sort(rmdirs.begin(), rmdirs.end());
  EXPECT_EQ(rmdirs, levels);
}

// The path of a file is the one it had when it was unlinked: no
// " (deleted)" suffix on its modify and close.
TEST(OddPaths, FileDeletedWhileOpen) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "doomed";
  Trace t = itest::TraceRun({RProg("unlink_open"), file});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_TRUE(t.OnlyEventAt("open", file));
  EXPECT_TRUE(t.OnlyEventAt("unlink", file));
  EXPECT_TRUE(t.OnlyEventAt("modify", file));
  std::optional<Json> close = t.OnlyEventAt("close", file);
  ASSERT_TRUE(close);
  EXPECT_EQ((*close)["written"], true);
  EXPECT_EQ((*close)["size"], 4);
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{}) << "it no longer exists";
  EXPECT_EQ(t.ListedUnder("deleted", dir.path()), Paths{file});
  EXPECT_FALSE(t.MentionsUnder(file + " (deleted)"));
}

// Files on an overlay are reported at the overlay's paths, never at the
// upper or lower directory behind it, including a file copied up by a write.
TEST(OddPaths, Overlayfs) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string lower = dir / "lower", upper = dir / "upper", work = dir / "work",
              merged = dir / "merged";
  for (const std::string& d : {lower, upper, work}) std::filesystem::create_directory(d);
  itest::WriteFile(lower + "/input", "from the lower layer\n");
  itest::WriteFile(lower + "/append", "lower\n");
  itest::ScopedMount overlay("overlay", merged, "overlay", 0,
                "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work);
  ASSERT_TRUE(overlay.mounted());
  Trace t = itest::TraceRun({"/bin/sh", "-c",
                             "cat " + merged + "/input > " + merged + "/output && echo more >> " +
                                 merged + "/append"});
  ASSERT_EQ(t.status, 0) << t.err;

  EXPECT_EQ(t.ListedUnder("read", dir.path()), Paths{merged + "/input"});
  EXPECT_EQ(t.ListedUnder("written", dir.path()), (Paths{merged + "/append", merged + "/output"}));
  EXPECT_FALSE(t.MentionsUnder(upper)) << t.jsonl;
  EXPECT_FALSE(t.MentionsUnder(lower)) << t.jsonl;
  EXPECT_FALSE(t.MentionsUnder(work)) << t.jsonl;
  for (std::string name : {"/input", "/output", "/append"}) {
    std::optional<Json> open = t.OnlyEventAt("open", merged + name);
    if (!open) continue;
    struct stat st = itest::Stat(merged + name);
    EXPECT_EQ((*open)["ino"], st.st_ino) << name << ": the overlay's inode number, as stat says";
    EXPECT_EQ((*open)["dev"], st.st_dev) << name;
  }
}

// A chrooted process sees paths below its new root, and so does the
// trace: the exec and the open are reported as the process named them, and
// its output is in "written" under that name.
TEST(OddPaths, Chroot) {
  FANTRACE_REQUIRE_ROOT();
  TempDir root;
  std::filesystem::create_directory(root / "bin");
  std::filesystem::copy_file(RProg("write_file_static"), root / "bin/write_file");
  std::filesystem::permissions(root / "bin/write_file", std::filesystem::perms::owner_all);
  const std::string inside = "/fantrace-chroot-output-" + std::to_string(getpid());
  Trace t = itest::TraceRun({"chroot", root.path(), "/bin/write_file", inside});
  ASSERT_EQ(t.status, 0) << t.err;
  ASSERT_TRUE(std::filesystem::exists(root / inside.substr(1)));

  std::vector<Json> execs = t.Events("exec");
  ASSERT_EQ(execs.size(), 2u) << t.jsonl;
  EXPECT_EQ(execs[1]["path"], "/bin/write_file");
  std::optional<Json> open = t.OnlyEventAt("open", inside);
  ASSERT_TRUE(open) << t.jsonl;
  EXPECT_EQ((*open)["created"], true);
  // The chroot itself is reported with the new root as seen from outside;
  // every other path is as the chrooted process named it.
  std::optional<Json> chroot = t.OnlyEventOf("chroot", execs[0]["pid"].get<long>());
  ASSERT_TRUE(chroot) << t.jsonl;
  EXPECT_EQ((*chroot)["path"], root.path());
  for (const Json& event : t.events) {
    if (event.value("type", "") == "chroot") continue;
    EXPECT_FALSE(itest::IsUnder(event.value("path", ""), root.path())) << event.dump();
  }
  // The summary looks for the output under the writer's root, so it is
  // listed by the name the process gave it.
  EXPECT_TRUE(t.Lists("written", inside)) << t.Summary().dump();
}

}  // namespace
}  // namespace fantrace::rtest
