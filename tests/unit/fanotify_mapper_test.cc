// The fanotify backend's event mapping: FAN_TRACE records (paths resolved)
// in, fantrace Events out, and the summary sets they give.
#include "lib/fanotify_mapper.h"

#include <sys/fanotify.h>

#include <gtest/gtest.h>

#include <set>

#include "lib/summary.h"

namespace fantrace {
namespace {

class ExistingFiles final : public FileSystem {
 public:
  explicit ExistingFiles(std::set<std::string> files) : files_(std::move(files)) {}
  bool IsRegularFile(const std::string& path) const override { return files_.count(path) > 0; }

 private:
  std::set<std::string> files_;
};

FanEvent Fan(uint64_t mask, const std::string& path, uint32_t pid = 10) {
  FanEvent e;
  e.mask = mask;
  e.pid = pid;
  e.path = path;
  e.time_ns = 1;
  return e;
}

std::string Interp(const std::string& path) {
  return path == "/usr/bin/cat" || path == "/bin/sh" ? "/lib64/ld-linux-x86-64.so.2" : "";
}

std::vector<Event> MapAll(const std::vector<FanEvent>& in, bool flush = true) {
  FanotifyMapper m(Interp);
  std::vector<Event> out;
  for (const FanEvent& e : in) m.Map(e, out);
  if (flush) m.Flush(2, out);
  return out;
}

std::vector<EventType> Types(const std::vector<Event>& events) {
  std::vector<EventType> t;
  for (const Event& e : events) t.push_back(e.type);
  return t;
}

TEST(FanotifyMapper, ReadOnlyOpenIsReportedAtItsCloseAsARead) {
  std::vector<Event> out = MapAll({Fan(FAN_OPEN, "/src/a.c"), Fan(FAN_ACCESS, "/src/a.c"),
                                   Fan(FAN_CLOSE_NOWRITE, "/src/a.c")});
  ASSERT_EQ(Types(out), (std::vector<EventType>{EventType::kOpen, EventType::kClose}));
  EXPECT_EQ(out[0].path, "/src/a.c");
  EXPECT_EQ(out[0].access, Access::kRead);
  EXPECT_EQ(out[0].pid, 10u);
  EXPECT_FALSE(out[1].written);
}

TEST(FanotifyMapper, CreatedAndWrittenFileIsAWriteWithModify) {
  std::vector<Event> out = MapAll({Fan(FAN_CREATE, "/out/a.o"), Fan(FAN_OPEN, "/out/a.o"),
                                   Fan(FAN_MODIFY, "/out/a.o"), Fan(FAN_CLOSE_WRITE, "/out/a.o")});
  ASSERT_EQ(Types(out), (std::vector<EventType>{EventType::kOpen, EventType::kModify, EventType::kClose}));
  EXPECT_EQ(out[0].access, Access::kWrite);
  EXPECT_TRUE(out[0].created);
  EXPECT_TRUE(out[2].written);
}

TEST(FanotifyMapper, MergedRecordWithReadsAndWritesIsReadWrite) {
  std::vector<Event> out = MapAll({Fan(FAN_OPEN | FAN_ACCESS | FAN_MODIFY | FAN_CLOSE_WRITE, "/db")});
  ASSERT_EQ(Types(out), (std::vector<EventType>{EventType::kOpen, EventType::kModify, EventType::kClose}));
  EXPECT_EQ(out[0].access, Access::kReadWrite);
  EXPECT_FALSE(out[0].created);
}

TEST(FanotifyMapper, OpenedForWritingButUnwrittenIsAWriteOpenWithoutModify) {
  std::vector<Event> out = MapAll({Fan(FAN_OPEN, "/f"), Fan(FAN_CLOSE_WRITE, "/f")});
  ASSERT_EQ(Types(out), (std::vector<EventType>{EventType::kOpen, EventType::kClose}));
  EXPECT_EQ(out[0].access, Access::kWrite);
  EXPECT_FALSE(out[1].written);
}

TEST(FanotifyMapper, ExecSkipsTheElfInterpreterAndTheExecutablesClose) {
  std::vector<Event> out = MapAll({Fan(FAN_OPEN | FAN_OPEN_EXEC, "/usr/bin/cat"),
                                   Fan(FAN_OPEN | FAN_OPEN_EXEC, "/lib64/ld-linux-x86-64.so.2"),
                                   Fan(FAN_CLOSE_NOWRITE, "/usr/bin/cat"),
                                   Fan(FAN_CLOSE_NOWRITE, "/lib64/ld-linux-x86-64.so.2")});
  ASSERT_EQ(Types(out), (std::vector<EventType>{EventType::kExec}));
  EXPECT_EQ(out[0].path, "/usr/bin/cat");
  EXPECT_TRUE(out[0].argv.empty());
}

TEST(FanotifyMapper, ScriptExecReportsTheScriptAndItsInterpreter) {
  std::vector<Event> out = MapAll({Fan(FAN_OPEN | FAN_OPEN_EXEC, "/home/u/build.sh"),
                                   Fan(FAN_OPEN | FAN_OPEN_EXEC, "/bin/sh"),
                                   Fan(FAN_OPEN | FAN_OPEN_EXEC, "/lib64/ld-linux-x86-64.so.2")});
  ASSERT_EQ(Types(out), (std::vector<EventType>{EventType::kExec, EventType::kExec}));
  EXPECT_EQ(out[0].path, "/home/u/build.sh");
  EXPECT_EQ(out[1].path, "/bin/sh");
}

TEST(FanotifyMapper, NameEventsBecomeUnlinkRmdirMkdirAndRename) {
  FanEvent rename = Fan(FAN_RENAME, "/d/new");
  rename.from = "/d/old";
  std::vector<Event> out = MapAll({Fan(FAN_CREATE | FAN_ONDIR, "/d"), rename, Fan(FAN_DELETE, "/d/new"),
                                   Fan(FAN_DELETE | FAN_ONDIR, "/d")});
  ASSERT_EQ(Types(out), (std::vector<EventType>{EventType::kMkdir, EventType::kRename, EventType::kUnlink,
                                                EventType::kRmdir}));
  EXPECT_EQ(out[1].from, "/d/old");
  EXPECT_EQ(out[1].path, "/d/new");
}

TEST(FanotifyMapper, OpensOfDirectoriesAndDevicesAreNotReported) {
  FanEvent dev = Fan(FAN_OPEN | FAN_MODIFY | FAN_CLOSE_WRITE, "/dev/null");
  dev.regular = false;
  std::vector<Event> out = MapAll({Fan(FAN_OPEN | FAN_ONDIR, "/src"), Fan(FAN_CLOSE_NOWRITE | FAN_ONDIR, "/src"), dev});
  EXPECT_TRUE(out.empty());
}

TEST(FanotifyMapper, AMergedWriteAndDeleteKeepsTheirOrder) {
  std::vector<Event> out = MapAll({Fan(FAN_CREATE | FAN_OPEN | FAN_MODIFY | FAN_CLOSE_WRITE | FAN_DELETE, "/t/x")});
  ASSERT_EQ(Types(out), (std::vector<EventType>{EventType::kOpen, EventType::kModify, EventType::kClose,
                                                EventType::kUnlink}));
  EXPECT_TRUE(out[0].created);
}

TEST(FanotifyMapper, OverflowIsCountedAsLost) {
  FanotifyMapper m(Interp);
  std::vector<Event> out;
  m.Overflow(5, out);
  m.Overflow(6, out);
  ASSERT_EQ(Types(out), (std::vector<EventType>{EventType::kLost, EventType::kLost}));
  EXPECT_EQ(out[0].lost_count, 1u);
  EXPECT_EQ(m.lost(), 2u);
}

TEST(FanotifyMapper, AnOpenNeverClosedIsEmittedAtTheEnd) {
  std::vector<Event> out = MapAll({Fan(FAN_OPEN, "/lib/libc.so.6")}, false);
  EXPECT_TRUE(out.empty());
  out = MapAll({Fan(FAN_OPEN, "/lib/libc.so.6")});
  ASSERT_EQ(Types(out), (std::vector<EventType>{EventType::kOpen, EventType::kClose}));
  EXPECT_EQ(out[0].access, Access::kRead);
}

TEST(FanotifyMapper, AMappedLibrarysCloseFromAnotherProcessEndsItsOpen) {
  std::vector<Event> out = MapAll({Fan(FAN_OPEN, "/lib/libc.so.6", 10), Fan(FAN_CLOSE_NOWRITE, "/lib/libc.so.6", 11)});
  ASSERT_EQ(Types(out), (std::vector<EventType>{EventType::kOpen, EventType::kClose}));
  EXPECT_EQ(out[0].pid, 10u);
}

// The sets the integration tests compare with the eBPF engine's.
TEST(FanotifyMapper, SummarySetsOfACopyThenRemove) {
  FanEvent rename = Fan(FAN_RENAME, "/w/final");
  rename.from = "/w/tmp";
  std::vector<Event> out = MapAll({
      Fan(FAN_OPEN | FAN_OPEN_EXEC, "/bin/sh"), Fan(FAN_OPEN | FAN_OPEN_EXEC, "/lib64/ld-linux-x86-64.so.2"),
      Fan(FAN_OPEN, "/lib/libc.so.6"), Fan(FAN_OPEN | FAN_OPEN_EXEC, "/usr/bin/cat", 11),
      Fan(FAN_OPEN | FAN_ACCESS | FAN_CLOSE_NOWRITE, "/w/in", 11), Fan(FAN_CREATE, "/w/tmp", 11),
      Fan(FAN_OPEN | FAN_MODIFY | FAN_CLOSE_WRITE, "/w/tmp", 11), rename, Fan(FAN_DELETE, "/w/old"),
      Fan(FAN_CLOSE_NOWRITE, "/lib/libc.so.6", 11)});
  SummaryBuilder b(false);
  for (const Event& e : out) b.Add(e);
  Summary s = b.Finish(ExistingFiles({"/w/in", "/w/final", "/lib/libc.so.6"}));
  EXPECT_EQ(s.read, (std::vector<std::string>{"/lib/libc.so.6", "/w/in"}));
  EXPECT_EQ(s.written, (std::vector<std::string>{"/w/final"}));
  EXPECT_EQ(s.deleted, (std::vector<std::string>{"/w/old"}));
  EXPECT_EQ(s.executed, (std::vector<std::string>{"/bin/sh", "/usr/bin/cat"}));
}

}  // namespace
}  // namespace fantrace
