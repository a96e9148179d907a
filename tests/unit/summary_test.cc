#include "lib/summary.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace fantrace {
namespace {

using Paths = std::vector<std::string>;

// The files that exist at the end of the trace, by name.
class FakeFileSystem final : public FileSystem {
 public:
  explicit FakeFileSystem(std::set<std::string> files) : files_(std::move(files)) {}
  bool IsRegularFile(const std::string& path) const override { return files_.contains(path); }

 private:
  std::set<std::string> files_;
};

Event Open(std::string path, Access access, bool created = false, bool truncated = false, uint64_t ino = 0) {
  Event ev;
  ev.type = EventType::kOpen;
  ev.path = std::move(path);
  ev.access = access;
  ev.created = created;
  ev.truncated = truncated;
  ev.dev = 1;
  ev.ino = ino;
  return ev;
}

Event PathEvent(EventType type, std::string path) {
  Event ev;
  ev.type = type;
  ev.path = std::move(path);
  return ev;
}

Event Close(std::string path, bool written) {
  Event ev = PathEvent(EventType::kClose, std::move(path));
  ev.written = written;
  return ev;
}

Event TwoPath(EventType type, std::string other, std::string path) {
  Event ev = PathEvent(type, std::move(path));
  (type == EventType::kRename ? ev.from : ev.target) = std::move(other);
  return ev;
}

Summary Summarize(const std::vector<Event>& events, std::set<std::string> existing) {
  SummaryBuilder b;
  for (const Event& ev : events) b.Add(ev);
  return b.Finish(FakeFileSystem(std::move(existing)));
}

TEST(Summary, SedInPlaceWritesOnlyTheFinalName) {
  Summary s = Summarize({Open("/w/f", Access::kRead), Open("/w/sedAbc", Access::kWrite, /*created=*/true),
                         PathEvent(EventType::kModify, "/w/sedAbc"), Close("/w/sedAbc", true),
                         TwoPath(EventType::kRename, "/w/sedAbc", "/w/f")},
                        {"/w/f"});
  EXPECT_EQ(s.written, Paths{"/w/f"});
  EXPECT_EQ(s.read, Paths{"/w/f"});
  EXPECT_TRUE(s.deleted.empty());
}

TEST(Summary, DirectoryRenameMovesEverythingUnderIt) {
  Summary s =
      Summarize({Open("/o/tmp/a", Access::kWrite, true), Open("/o/tmp/sub/b", Access::kWrite, false, true),
                 Open("/o/tmpx", Access::kWrite, true),  // a sibling, not under /o/tmp/
                 TwoPath(EventType::kRename, "/o/tmp", "/o/final")},
                {"/o/final/a", "/o/final/sub/b", "/o/tmpx"});
  EXPECT_EQ(s.written, (Paths{"/o/final/a", "/o/final/sub/b", "/o/tmpx"}));
}

TEST(Summary, UnlinkedTempIsDeletedNotWritten) {
  Summary s = Summarize({Open("/t/cc1.s", Access::kWrite, true), Close("/t/cc1.s", true),
                         PathEvent(EventType::kUnlink, "/t/cc1.s")},
                        {});
  EXPECT_TRUE(s.written.empty());
  EXPECT_EQ(s.deleted, Paths{"/t/cc1.s"});
}

TEST(Summary, UnlinkForgetsTheWriteEvenIfTheNameReturns) {
  // Someone else recreates the name; the tree did not write the new file.
  Summary s =
      Summarize({Open("/t/x", Access::kWrite, true), PathEvent(EventType::kUnlink, "/t/x")}, {"/t/x"});
  EXPECT_TRUE(s.written.empty());
}

TEST(Summary, OpenForWriteAloneIsNotAWrite) {
  Summary s = Summarize({Open("/d/log", Access::kWrite), Close("/d/log", false)}, {"/d/log"});
  EXPECT_TRUE(s.written.empty());
  EXPECT_TRUE(s.read.empty());
}

TEST(Summary, ModifyTruncateAndWrittenCloseAreWrites) {
  Summary s =
      Summarize({Open("/m", Access::kWrite), PathEvent(EventType::kModify, "/m"),
                 PathEvent(EventType::kTruncate, "/t"), Open("/c", Access::kReadWrite), Close("/c", true)},
                {"/m", "/t", "/c"});
  EXPECT_EQ(s.written, (Paths{"/c", "/m", "/t"}));
  EXPECT_EQ(s.read, Paths{"/c"});
}

TEST(Summary, WrittenFilesMustExistAsRegularFilesAtTheEnd) {
  Summary s =
      Summarize({Open("/gone", Access::kWrite, true), Open("/here", Access::kWrite, true)}, {"/here"});
  EXPECT_EQ(s.written, Paths{"/here"});
}

TEST(Summary, TmpfileLinkedIntoPlace) {
  // open(dir, O_TMPFILE) shows as "/d/#<ino>"; linkat(AT_EMPTY_PATH) names it.
  // The open has no O_CREAT, but a fresh tmpfile is new content all the same.
  Summary s = Summarize({Open("/d/#5678", Access::kWrite, false, false, 5678),
                         TwoPath(EventType::kLink, "/d/#5678", "/d/final"),
                         Open("/d/#12ab", Access::kWrite),  // not a tmpfile name
                         TwoPath(EventType::kLink, "/d/#12ab", "/d/other")},
                        {"/d/final", "/d/other"});
  EXPECT_EQ(s.written, Paths{"/d/final"});
}

TEST(Summary, LinkOfAWrittenFileIsWritten) {
  // git: write a temp object, link it to its hash name, unlink the temp.
  Summary s = Summarize(
      {Open("/r/.git/objects/tmp_obj_X", Access::kReadWrite, true), Close("/r/.git/objects/tmp_obj_X", true),
       TwoPath(EventType::kLink, "/r/.git/objects/tmp_obj_X", "/r/.git/objects/ab/cdef"),
       PathEvent(EventType::kUnlink, "/r/.git/objects/tmp_obj_X"),
       TwoPath(EventType::kLink, "/r/unrelated", "/r/alias")},
      {"/r/.git/objects/ab/cdef", "/r/alias"});
  EXPECT_EQ(s.written, Paths{"/r/.git/objects/ab/cdef"});
  EXPECT_EQ(s.deleted, Paths{"/r/.git/objects/tmp_obj_X"});
}

TEST(Summary, LinkMatchesByInodeWhenNamesDiffer) {
  // The write is seen under one name, the link names the inode by another.
  Summary s = Summarize(
      {Open("/d/a", Access::kWrite, true, false, 9), Open("/mnt/d/a", Access::kRead, false, false, 9),
       TwoPath(EventType::kLink, "/mnt/d/a", "/mnt/d/b")},
      {"/d/a", "/mnt/d/b"});
  EXPECT_EQ(s.written, (Paths{"/d/a", "/mnt/d/b"}));
}

TEST(Summary, ReadsSkipNonRegularFiles) {
  Event dir = Open("/etc", Access::kRead);
  dir.regular = false;
  Summary s = Summarize({dir, Open("/etc/passwd", Access::kRead), Open("/etc/passwd", Access::kRead)}, {});
  EXPECT_EQ(s.read, Paths{"/etc/passwd"});
}

Event Unlink(std::string path) { return PathEvent(EventType::kUnlink, std::move(path)); }

TEST(SummaryRead, IntermediatesTheTreeMadeAreNotInputs) {
  // gcc: the driver creates /tmp/ccX.s, cc1 truncates and writes it, as
  // reads it back, the driver unlinks it. Only x.c is an input.
  Summary s = Summarize({Open("/src/x.c", Access::kRead, false, false, 1),
                         Open("/tmp/ccX.s", Access::kReadWrite, /*created=*/true, false, 2),
                         Close("/tmp/ccX.s", false),
                         Open("/tmp/ccX.s", Access::kWrite, false, /*truncated=*/true, 2),
                         PathEvent(EventType::kModify, "/tmp/ccX.s"), Close("/tmp/ccX.s", true),
                         Open("/tmp/ccX.s", Access::kRead, false, false, 2), Unlink("/tmp/ccX.s")},
                        {});
  EXPECT_EQ(s.read, Paths{"/src/x.c"});
}

TEST(SummaryRead, AFileCreatedForReadingAndWritingIsNotAnInput) {
  // sed -i's temp file: mkostemp opens it O_RDWR|O_CREAT|O_EXCL.
  Summary s = Summarize({Open("/w/f", Access::kRead, false, false, 1),
                         Open("/w/sedAbc", Access::kReadWrite, /*created=*/true, false, 2),
                         PathEvent(EventType::kModify, "/w/sedAbc"), Close("/w/sedAbc", true),
                         TwoPath(EventType::kRename, "/w/sedAbc", "/w/f")},
                        {"/w/f"});
  EXPECT_EQ(s.read, Paths{"/w/f"});
  EXPECT_EQ(s.written, Paths{"/w/f"});
}

TEST(SummaryRead, TruncatedOrWrittenBeforeTheReadIsNotAnInput) {
  Summary s = Summarize({PathEvent(EventType::kTruncate, "/t/by_name"), Open("/t/by_name", Access::kRead),
                         Open("/t/rw", Access::kReadWrite, false, /*truncated=*/true, 3),
                         Open("/t/log", Access::kWrite, false, false, 4),
                         PathEvent(EventType::kModify, "/t/log"),
                         Open("/t/log", Access::kRead, false, false, 4)},
                        {"/t/by_name", "/t/rw", "/t/log"});
  EXPECT_TRUE(s.read.empty());
}

TEST(SummaryRead, ReadFirstAndWrittenLaterIsBoth) {
  Summary s = Summarize({Open("/d/counter", Access::kRead, false, false, 5),
                         Open("/d/counter", Access::kWrite, false, /*truncated=*/true, 5),
                         Open("/d/counter", Access::kRead, false, false, 5),
                         Open("/d/opened", Access::kWrite, false, false, 6),  // opened, never written
                         Open("/d/opened", Access::kRead, false, false, 6)},
                        {"/d/counter", "/d/opened"});
  EXPECT_EQ(s.read, (Paths{"/d/counter", "/d/opened"}));
  EXPECT_EQ(s.written, Paths{"/d/counter"});
}

TEST(SummaryRead, FollowsRenamesLinksAndOtherNamesOfTheInode) {
  Summary s = Summarize({Open("/o/tmp1", Access::kWrite, true, false, 7),
                         TwoPath(EventType::kRename, "/o/tmp1", "/o/out"),
                         Open("/o/out", Access::kRead, false, false, 7),
                         Open("/o/obj_tmp", Access::kWrite, true, false, 8),
                         TwoPath(EventType::kLink, "/o/obj_tmp", "/o/obj"), Unlink("/o/obj_tmp"),
                         Open("/o/obj", Access::kRead, false, false, 8),
                         Open("/o/a", Access::kWrite, true, false, 9),
                         Open("/mnt/o/a", Access::kRead, false, false, 9)},  // a bind mount of /o
                        {"/o/out", "/o/obj", "/o/a"});
  EXPECT_TRUE(s.read.empty());
}

TEST(SummaryRead, ANewFileUnderAnOldNameOrInodeNumberIsAnInput) {
  // The tree wrote /x and /t/tmp; afterwards /x was replaced from outside
  // the tree, and /t/tmp deleted, its inode number going to a new file.
  Summary s = Summarize({Open("/x", Access::kWrite, true, false, 10),
                         Open("/t/tmp", Access::kWrite, true, false, 11), Unlink("/t/tmp"),
                         Open("/x", Access::kRead, false, false, 12),
                         Open("/t/new", Access::kRead, false, false, 11)},
                        {"/x", "/t/new"});
  EXPECT_EQ(s.read, (Paths{"/t/new", "/x"}));
}

TEST(Summary, CountsProcessesExecsLostAndEvents) {
  Event exec = PathEvent(EventType::kExec, "/bin/sh");
  exec.pid = 10;
  Event fork = PathEvent(EventType::kFork, "");
  fork.pid = 11;
  fork.ppid = 10;
  Event exec2 = PathEvent(EventType::kExec, "/bin/cat");
  exec2.pid = 11;
  Event exit = PathEvent(EventType::kExit, "");
  exit.pid = 11;
  Event lost = PathEvent(EventType::kLost, "");
  lost.lost_count = 7;
  Event lost2 = lost;
  lost2.lost_count = 3;
  Summary s = Summarize({exec, fork, exec2, exit, lost, lost2, exec}, {});
  EXPECT_EQ(s.processes, 2u);
  EXPECT_EQ(s.executed, (Paths{"/bin/cat", "/bin/sh"}));
  EXPECT_EQ(s.lost, 10u);
  EXPECT_EQ(s.events[static_cast<size_t>(EventType::kExec)], 3u);
  EXPECT_EQ(s.events[static_cast<size_t>(EventType::kLost)], 2u);
  EXPECT_EQ(s.events[static_cast<size_t>(EventType::kOpen)], 0u);
}

}  // namespace
}  // namespace fantrace

namespace fantrace {
namespace {

Event OfPid(Event ev, uint32_t pid) {
  ev.pid = pid;
  return ev;
}

// A process that chroots into /srv/jail writes "/out": it exists on disk as
// /srv/jail/out, and the summary lists it by the name the process used. Its
// children inherit the root; other processes keep theirs.
Summary SummarizeLookups(const std::vector<Event>& events, std::set<std::string> existing) {
  SummaryBuilder b(true);
  for (const Event& ev : events) b.Add(ev);
  return b.Finish(FakeFileSystem(std::move(existing)));
}

TEST(SummaryLookups, ListsOnlyWhenLookupsAreTraced) {
  std::vector<Event> events = {PathEvent(EventType::kStat, "/a")};
  Summary without = Summarize(events, {});
  EXPECT_FALSE(without.lookups);
  EXPECT_TRUE(without.probed.empty());
  Summary with = SummarizeLookups(events, {});
  EXPECT_TRUE(with.lookups);
  EXPECT_EQ(with.probed, Paths{"/a"});
}

TEST(SummaryLookups, ProbedAreLookedUpButNeverOpened) {
  Event exec = PathEvent(EventType::kExec, "/bin/tool");
  Summary s = SummarizeLookups({PathEvent(EventType::kStat, "/only/stat"), PathEvent(EventType::kStat, "/then/read"),
                                Open("/then/read", Access::kRead), PathEvent(EventType::kStat, "/bin/tool"), exec,
                                PathEvent(EventType::kStat, "/dir"), PathEvent(EventType::kReaddir, "/dir"),
                                PathEvent(EventType::kStat, "/only/stat")},
                               {});
  EXPECT_EQ(s.probed, Paths{"/only/stat"});
  EXPECT_EQ(s.listed, Paths{"/dir"});
}

TEST(SummaryLookups, MissingLessThoseTheTreeCreatedAfterwards) {
  Event created = Open("/out/new.o", Access::kWrite, /*created=*/true);
  Event mknod = PathEvent(EventType::kMknod, "/run/fifo");
  mknod.regular = false;
  mknod.kind = "fifo";
  Summary s = SummarizeLookups(
      {PathEvent(EventType::kMissing, "/inc1/h.h"), PathEvent(EventType::kMissing, "/out/new.o"), created,
       PathEvent(EventType::kMissing, "/out/dir"), PathEvent(EventType::kMkdir, "/out/dir"),
       PathEvent(EventType::kMissing, "/out/renamed"), TwoPath(EventType::kRename, "/out/tmp", "/out/renamed"),
       PathEvent(EventType::kMissing, "/run/fifo"), mknod,
       // made, then gone, then looked for again: missing
       PathEvent(EventType::kUnlink, "/out/new.o"), PathEvent(EventType::kMissing, "/out/new.o")},
      {});
  EXPECT_EQ(s.missing, (Paths{"/inc1/h.h", "/out/new.o"}));
  EXPECT_TRUE(s.written.empty()) << "a FIFO is no output";
}

TEST(SummaryLookups, AttribIsNotAWriteButARegularMknodIs) {
  Event node = PathEvent(EventType::kMknod, "/out/empty");
  node.kind = "regular";
  Event attrib = PathEvent(EventType::kAttrib, "/out/f");
  attrib.what = "mode";
  Summary s = Summarize({node, attrib}, {"/out/empty", "/out/f"});
  EXPECT_EQ(s.written, Paths{"/out/empty"});
  EXPECT_EQ(s.events[static_cast<size_t>(EventType::kAttrib)], 1u);
}

TEST(SummaryChroot, OutputsOfAChrootedProcessAreFoundUnderItsRoot) {
  Event fork = PathEvent(EventType::kFork, "");
  fork.pid = 11;
  fork.ppid = 10;
  Summary s = Summarize({OfPid(PathEvent(EventType::kChroot, "/srv/jail"), 10), fork,
                         OfPid(Open("/out", Access::kWrite, /*created=*/true), 10),
                         OfPid(Open("/child", Access::kWrite, /*created=*/true), 11),
                         OfPid(Open("/host", Access::kWrite, /*created=*/true), 12)},
                        {"/srv/jail/out", "/srv/jail/child", "/host", "/out"});
  EXPECT_EQ(s.written, (Paths{"/child", "/host", "/out"}));
  Summary missing = Summarize({OfPid(PathEvent(EventType::kChroot, "/srv/jail"), 10),
                               OfPid(Open("/out", Access::kWrite, /*created=*/true), 10)},
                              {"/out"});
  EXPECT_TRUE(missing.written.empty()) << "a host file of the same name is not the output";
}

}  // namespace
}  // namespace fantrace
