// The summary of a tree that writes through mounts of its own mount
// namespace, and of memfd files.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "lib/summary.h"

namespace fantrace {
namespace {

using Paths = std::vector<std::string>;

// Files that exist here, by their path from their file system's root (on
// device 1, mounted at /): FindFile finds them by that and dev/ino.
class FsPathFileSystem final : public FileSystem {
 public:
  explicit FsPathFileSystem(std::map<std::string, uint64_t> inode_of) : inode_of_(std::move(inode_of)) {}
  bool IsRegularFile(const std::string& path) const override { return inode_of_.contains(path); }
  std::optional<std::string> FindFile(const std::string& path, uint64_t dev, uint64_t ino,
                                      const std::string& fs_path) const override {
    for (const std::string& p : {path, fs_path}) {
      auto it = inode_of_.find(p);
      if (dev == 1 && it != inode_of_.end() && it->second == ino) return p;
    }
    return std::nullopt;
  }

 private:
  std::map<std::string, uint64_t> inode_of_;
};

Event Created(std::string path, std::string fs_path, uint64_t ino) {
  Event ev;
  ev.type = EventType::kOpen;
  ev.access = Access::kWrite;
  ev.created = true;
  ev.path = std::move(path);
  ev.fs_path = std::move(fs_path);
  ev.dev = 1;
  ev.ino = ino;
  return ev;
}

Event Rename(std::string from, std::string to) {
  Event ev;
  ev.type = EventType::kRename;
  ev.from = std::move(from);
  ev.path = std::move(to);
  return ev;
}

Summary Summarize(const std::vector<Event>& events, std::map<std::string, uint64_t> existing) {
  SummaryBuilder b;
  for (const Event& ev : events) b.Add(ev);
  return b.Finish(FsPathFileSystem(std::move(existing)));
}

TEST(SummaryMounts, WrittenThroughABindMountIsListedUnderItsNameHere) {
  Summary s = Summarize({Created("/w/mnt/f", "/w/src/f", 5)}, {{"/w/src/f", 5}});
  EXPECT_EQ(s.written, Paths{"/w/src/f"});
}

TEST(SummaryMounts, RenamesInsideTheMountAreFollowed) {
  Summary s = Summarize({Created("/w/mnt/g.tmp", "/w/src/g.tmp", 6), Rename("/w/mnt/g.tmp", "/w/mnt/g")},
                        {{"/w/src/g", 6}});
  EXPECT_EQ(s.written, Paths{"/w/src/g"});
}

TEST(SummaryMounts, TheTreesNameIsKeptWhenItNamesTheSameFileHere) {
  Summary s = Summarize({Created("/w/f", "/w/f", 7)}, {{"/w/f", 7}});
  EXPECT_EQ(s.written, Paths{"/w/f"});
}

TEST(SummaryMounts, AnotherFileUnderTheTreesNameIsNotTheOutput) {
  // /w/mnt/f exists here, but it is not the file the tree wrote (inode 8),
  // and the one it wrote is gone
  Summary s = Summarize({Created("/w/mnt/f", "/w/src/f", 8)}, {{"/w/mnt/f", 3}});
  EXPECT_TRUE(s.written.empty());
}

TEST(SummaryMounts, AnUnlinkForgetsTheFile) {
  Event unlink;
  unlink.type = EventType::kUnlink;
  unlink.path = "/w/mnt/f";
  Summary s = Summarize({Created("/w/mnt/f", "/w/src/f", 5), unlink}, {{"/w/src/f", 5}});
  EXPECT_TRUE(s.written.empty());
}

TEST(SummaryMemfd, AMemfdIsNeverAnOutputOrAnInput) {
  Event created = Created("/memfd:scratch", "", 9);
  created.memfd = true;
  created.access = Access::kReadWrite;
  Event modify = created;
  modify.type = EventType::kModify;
  Event close = created;
  close.type = EventType::kClose;
  close.written = true;
  Summary s = Summarize({created, modify, close}, {{"/memfd:scratch", 9}});
  EXPECT_TRUE(s.written.empty());
  EXPECT_TRUE(s.read.empty());
  EXPECT_EQ(s.events[static_cast<size_t>(EventType::kOpen)], 1u);  // still counted
}

}  // namespace
}  // namespace fantrace
