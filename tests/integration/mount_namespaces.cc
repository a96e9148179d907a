// A tree that makes its own mount namespace (as bubblewrap, podman and
// build sandboxes do) and writes through a mount that exists only there:
// the mount is reported, and the file is in `written` under the name it
// has in the tracer's namespace.
#include <gtest/gtest.h>

#include <filesystem>

#include "harness.h"

namespace fantrace::itest {
namespace {

// Two empty directories, src and mnt, and a traced shell in a mount
// namespace of its own that bind-mounts src on mnt, then runs `then`.
struct BindMountRun {
  TempDir dir;
  std::string src = dir / "src", mnt = dir / "mnt";
  Trace Run(const std::string& then) {
    std::filesystem::create_directory(src);
    std::filesystem::create_directory(mnt);
    return TraceRun({"unshare", "-m", "sh", "-c", "mount --bind " + src + " " + mnt + " && " + then});
  }
};

TEST(MountNamespaces, FileWrittenThroughABindMountOfTheTreeIsWritten) {
  FANTRACE_REQUIRE_ROOT();
  BindMountRun run;
  const TempDir& dir = run.dir;
  const std::string &src = run.src, &mnt = run.mnt;
  // f is written in place; g under a temporary name, then renamed (as
  // sed -i or a compiler does), inside the mount.
  Trace t = run.Run("echo x > " + mnt + "/f && echo y > " + mnt + "/g.tmp && mv " + mnt + "/g.tmp " + mnt + "/g");
  ASSERT_EQ(t.status, 0) << t.err;
  ASSERT_EQ(ReadFile(src + "/f"), "x\n");
  ASSERT_FALSE(std::filesystem::exists(mnt + "/f")) << "the bind mount leaked into the test's namespace";

  EXPECT_EQ(t.ListedUnder("written", dir.path()), (Paths{src + "/f", src + "/g"})) << t.jsonl;
  // the events keep the name the task used, and say where the file is
  std::vector<Json> opens = t.EventsAt("open", mnt + "/f");
  ASSERT_EQ(opens.size(), 1u) << t.jsonl;
  EXPECT_TRUE((*opens.begin())["fs_path"].get<std::string>().ends_with("/src/f")) << opens[0];

  std::vector<Json> unshares, binds;
  for (const Json& ev : t.Events("mount")) {
    if (ev["what"] == "unshare") unshares.push_back(ev);
    if (ev["what"] == "mount" && ev.contains("path") && ev["path"] == mnt) binds.push_back(ev);
  }
  EXPECT_EQ(unshares.size(), 1u) << t.jsonl;
  ASSERT_EQ(binds.size(), 1u) << t.jsonl;
  EXPECT_EQ(binds[0]["source"], src);
}

// A umount by the tree is reported too, and a file the tree writes under
// the mount point afterwards is the directory's own.
TEST(MountNamespaces, UmountIsReported) {
  FANTRACE_REQUIRE_ROOT();
  BindMountRun run;
  const TempDir& dir = run.dir;
  const std::string& mnt = run.mnt;
  Trace t = run.Run("umount " + mnt + " && echo z > " + mnt + "/h");
  ASSERT_EQ(t.status, 0) << t.err;
  ASSERT_EQ(ReadFile(mnt + "/h"), "z\n");

  std::vector<Json> umounts;
  for (const Json& ev : t.Events("mount"))
    if (ev["what"] == "umount") umounts.push_back(ev);
  ASSERT_EQ(umounts.size(), 1u) << t.jsonl;
  EXPECT_EQ(umounts[0]["path"], mnt);
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{mnt + "/h"});
}

}  // namespace
}  // namespace fantrace::itest
