#include "cli/format.h"

#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fantrace::cli {
namespace {

// A FILE* whose contents the test can read back.
class MemoryFile {
 public:
  MemoryFile() : file_(open_memstream(&data_, &size_)) {}
  ~MemoryFile() {
    std::fclose(file_);
    std::free(data_);
  }
  FILE* get() { return file_; }
  std::string contents() {
    std::fflush(file_);
    return std::string(data_, size_);
  }

 private:
  char* data_ = nullptr;
  size_t size_ = 0;
  FILE* file_;
};

constexpr uint64_t kTime = 1'700'000'000'123'456'789;  // 2023-11-14 22:13:20.123456789 UTC

Event Base(EventType type, std::string path = "") {
  Event ev;
  ev.type = type;
  ev.time_ns = kTime;
  ev.pid = 42;
  ev.tid = 43;
  ev.path = std::move(path);
  return ev;
}

// One of every kind of event, with the fields each format shows.
std::vector<Event> SampleEvents() {
  std::vector<Event> events;
  Event exec = Base(EventType::kExec, "/usr/bin/cc");
  exec.argv = {"cc", "-o", "a b"};
  events.push_back(exec);
  Event fork = Base(EventType::kFork);
  fork.ppid = 41;
  events.push_back(fork);
  Event open = Base(EventType::kOpen, "/etc/passwd");
  open.access = Access::kRead;
  open.dev = 2049;
  open.ino = 77;
  events.push_back(open);
  Event create = Base(EventType::kOpen, "/o/a.o");
  create.access = Access::kWrite;
  create.created = true;
  create.truncated = true;
  events.push_back(create);
  events.push_back(Base(EventType::kModify, "/o/a.o"));
  Event close = Base(EventType::kClose, "/o/a.o");
  close.written = true;
  close.size = 1234;
  close.mtime_ns = 1'700'000'000'000'000'001;
  events.push_back(close);
  Event rename = Base(EventType::kRename, "/o/file");
  rename.from = "/o/tmp";
  events.push_back(rename);
  events.push_back(Base(EventType::kUnlink, "/o/old"));
  Event link = Base(EventType::kLink, "/o/new");
  link.target = "/o/file";
  events.push_back(link);
  Event symlink = Base(EventType::kSymlink, "/o/sym");
  symlink.target = "../x";
  events.push_back(symlink);
  Event exit = Base(EventType::kExit);
  exit.exit_status = 139;
  events.push_back(exit);
  Event untraced = Base(EventType::kUntraced);
  untraced.reason = "setuid";
  events.push_back(untraced);
  Event lost = Base(EventType::kLost);
  lost.lost_count = 5;
  events.push_back(lost);
  return events;
}

Summary SampleSummary() {
  Summary s;
  s.exit_code = 1;
  s.lost = 5;
  s.processes = 2;
  s.read = {"/etc/passwd"};
  s.written = {"/o/file", "/o/new"};
  s.deleted = {"/o/old"};
  s.executed = {"/usr/bin/cc"};
  s.events[static_cast<size_t>(EventType::kOpen)] = 2;
  return s;
}

std::string WriteAll(std::string_view format, const std::vector<Event>& events, const Summary* summary) {
  MemoryFile out;
  Result<std::unique_ptr<EventWriter>> writer = MakeWriter(format, out.get());
  EXPECT_TRUE(writer.ok());
  if (!writer.ok()) return "";
  for (const Event& ev : events) EXPECT_TRUE((*writer)->Write(ev).ok());
  if (summary) {
    EXPECT_TRUE((*writer)->WriteSummary(*summary).ok());
  }
  EXPECT_TRUE((*writer)->Flush().ok());
  return out.contents();
}

TEST(MakeWriter, RejectsUnknownFormats) {
  MemoryFile out;
  Result<std::unique_ptr<EventWriter>> writer = MakeWriter("xml", out.get());
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.error().message.find("xml"), std::string::npos);
}

TEST(JsonlWriter, WritesTheContract) {
  std::string expected =
      R"({"type":"exec","time":1700000000123456789,"pid":42,"tid":43,"path":"/usr/bin/cc","argv":["cc","-o","a b"]})" "\n"
      R"({"type":"fork","time":1700000000123456789,"pid":42,"tid":43,"ppid":41})" "\n"
      R"({"type":"open","time":1700000000123456789,"pid":42,"tid":43,"path":"/etc/passwd","access":"read","created":false,"truncated":false,"dev":2049,"ino":77})" "\n"
      R"({"type":"open","time":1700000000123456789,"pid":42,"tid":43,"path":"/o/a.o","access":"write","created":true,"truncated":true,"dev":0,"ino":0})" "\n"
      R"({"type":"modify","time":1700000000123456789,"pid":42,"tid":43,"path":"/o/a.o"})" "\n"
      R"({"type":"close","time":1700000000123456789,"pid":42,"tid":43,"path":"/o/a.o","written":true,"size":1234,"mtime":1700000000000000001})" "\n"
      R"({"type":"rename","time":1700000000123456789,"pid":42,"tid":43,"from":"/o/tmp","path":"/o/file"})" "\n"
      R"({"type":"unlink","time":1700000000123456789,"pid":42,"tid":43,"path":"/o/old"})" "\n"
      R"({"type":"link","time":1700000000123456789,"pid":42,"tid":43,"path":"/o/new","target":"/o/file"})" "\n"
      R"({"type":"symlink","time":1700000000123456789,"pid":42,"tid":43,"path":"/o/sym","target":"../x"})" "\n"
      R"({"type":"exit","time":1700000000123456789,"pid":42,"tid":43,"status":139})" "\n"
      R"({"type":"untraced","time":1700000000123456789,"pid":42,"tid":43,"reason":"setuid"})" "\n"
      R"({"type":"lost","time":1700000000123456789,"pid":42,"tid":43,"count":5})" "\n";
  EXPECT_EQ(WriteAll("jsonl", SampleEvents(), nullptr), expected);
}

TEST(JsonlWriter, EveryLineParsesAndTheSummaryIsLast) {
  Summary summary = SampleSummary();
  std::string out = WriteAll("jsonl", SampleEvents(), &summary);
  std::vector<nlohmann::json> lines;
  size_t pos = 0;
  while (pos < out.size()) {
    size_t nl = out.find('\n', pos);
    ASSERT_NE(nl, std::string::npos);
    lines.push_back(nlohmann::json::parse(out.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  ASSERT_EQ(lines.size(), SampleEvents().size() + 1);
  const nlohmann::json& s = lines.back();
  EXPECT_EQ(s["type"], "summary");
  EXPECT_EQ(s["exit_code"], 1);
  EXPECT_EQ(s["lost"], 5);
  EXPECT_EQ(s["processes"], 2);
  EXPECT_EQ(s["read"], nlohmann::json({"/etc/passwd"}));
  EXPECT_EQ(s["written"], nlohmann::json({"/o/file", "/o/new"}));
  EXPECT_EQ(s["deleted"], nlohmann::json({"/o/old"}));
  EXPECT_EQ(s["executed"], nlohmann::json({"/usr/bin/cc"}));
  EXPECT_EQ(s["events"]["open"], 2);
  EXPECT_EQ(s["events"]["exec"], 0);
  EXPECT_EQ(s["events"].size(), kEventTypeCount);
}

TEST(JsonlWriter, EscapesPathsAndMarksTruncation) {
  Event ev = Base(EventType::kUnlink, "/t/a\"b\n\xff");
  ev.path_truncated = true;
  EXPECT_EQ(WriteAll("jsonl", {ev}, nullptr),
            R"({"type":"unlink","time":1700000000123456789,"pid":42,"tid":43,"path":"/t/a\"b\n\udcff","truncated_path":true})"
            "\n");
}

class TextWriterTest : public ::testing::Test {
 protected:
  // Local time is what a person wants; UTC is what a test can predict.
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    if (tz) saved_tz_ = tz;
    had_tz_ = tz != nullptr;
    setenv("TZ", "UTC", 1);
    tzset();
  }
  void TearDown() override {
    if (had_tz_) {
      setenv("TZ", saved_tz_.c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }

 private:
  bool had_tz_ = false;
  std::string saved_tz_;
};

TEST_F(TextWriterTest, OneReadableLinePerEvent) {
  Summary summary = SampleSummary();
  std::string expected =
      "22:13:20.123456      42 exec     /usr/bin/cc cc -o a b\n"
      "22:13:20.123456      42 fork     parent 41\n"
      "22:13:20.123456      42 open     r   /etc/passwd\n"
      "22:13:20.123456      42 open     wct /o/a.o\n"
      "22:13:20.123456      42 modify   /o/a.o\n"
      "22:13:20.123456      42 close    /o/a.o (written, 1234 bytes)\n"
      "22:13:20.123456      42 rename   /o/tmp -> /o/file\n"
      "22:13:20.123456      42 unlink   /o/old\n"
      "22:13:20.123456      42 link     /o/new => /o/file\n"
      "22:13:20.123456      42 symlink  /o/sym -> ../x\n"
      "22:13:20.123456      42 exit     status 139\n"
      "22:13:20.123456      42 untraced setuid\n"
      "22:13:20.123456      42 lost     5 events\n"
      "summary: exit 1, processes: 2, read: 1 files, written: 2 files, deleted: 1, executed: 1, lost: 5\n"
      "written /o/file\n"
      "written /o/new\n"
      "deleted /o/old\n";
  EXPECT_EQ(WriteAll("text", SampleEvents(), &summary), expected);
}

TEST_F(TextWriterTest, EscapesBytesSoAnEventStaysOneLine) {
  Event ev = Base(EventType::kMkdir, "/t/a\nb\\c\t\x01\xff\xc2\x85" "caf\xc3\xa9");
  ev.path_truncated = true;
  EXPECT_EQ(WriteAll("text", {ev}, nullptr),
            "22:13:20.123456      42 mkdir    /t/a\\nb\\\\c\\t\\x01\\xff\\xc2\\x85caf\xc3\xa9 [path truncated]\n");
}

TEST(FsatraceWriter, WritesOpLines) {
  Event rdwr = Base(EventType::kOpen, "/d/rw");
  rdwr.access = Access::kReadWrite;
  Event wronly = Base(EventType::kOpen, "/d/wo");  // not a write until modify/close
  wronly.access = Access::kWrite;
  Event clean_close = Base(EventType::kClose, "/d/rw");
  std::vector<Event> events = SampleEvents();
  events.push_back(rdwr);
  events.push_back(wronly);
  events.push_back(clean_close);
  events.push_back(Base(EventType::kRmdir, "/d/empty"));
  events.push_back(Base(EventType::kTruncate, "/d/t"));
  events.push_back(Base(EventType::kMkdir, "/d/new"));
  Summary summary = SampleSummary();
  EXPECT_EQ(WriteAll("fsatrace", events, &summary),
            "r|/usr/bin/cc\n"
            "r|/etc/passwd\n"
            "w|/o/a.o\n"
            "w|/o/a.o\n"
            "w|/o/a.o\n"
            "m|/o/file|/o/tmp\n"
            "d|/o/old\n"
            "w|/o/new\n"
            "w|/o/sym\n"
            "r|/d/rw\n"
            "d|/d/empty\n"
            "w|/d/t\n");
}

// Lookups and metadata changes: one of each kind.
std::vector<Event> LookupEvents() {
  Event stat = Base(EventType::kStat, "/inc/h.h");
  stat.dev = 2049;
  stat.ino = 9;
  Event access = Base(EventType::kStat, "/etc/ld.so.preload");  // access(2): no inode
  Event readdir = Base(EventType::kReaddir, "/src");
  readdir.dev = 2049;
  readdir.ino = 3;
  Event times = Base(EventType::kAttrib, "/o/a.o");
  times.what = "times";
  Event mode = Base(EventType::kAttrib, "/o/a.o");
  mode.what = "mode";
  Event fifo = Base(EventType::kMknod, "/o/fifo");
  fifo.kind = "fifo";
  fifo.regular = false;
  Event empty = Base(EventType::kMknod, "/o/empty");
  empty.kind = "regular";
  return {stat, access, readdir, Base(EventType::kMissing, "/inc1/h.h"), times, mode, fifo, empty};
}

TEST(JsonlWriter, LookupsAndMetadataChanges) {
  Summary summary = SampleSummary();
  summary.lookups = true;
  summary.probed = {"/etc/ld.so.preload"};
  summary.listed = {"/src"};
  summary.missing = {"/inc1/h.h"};
  std::string out = WriteAll("jsonl", LookupEvents(), &summary);
  std::string expected_events =
      R"({"type":"stat","time":1700000000123456789,"pid":42,"tid":43,"path":"/inc/h.h","dev":2049,"ino":9})" "\n"
      R"({"type":"stat","time":1700000000123456789,"pid":42,"tid":43,"path":"/etc/ld.so.preload"})" "\n"
      R"({"type":"readdir","time":1700000000123456789,"pid":42,"tid":43,"path":"/src","dev":2049,"ino":3})" "\n"
      R"({"type":"missing","time":1700000000123456789,"pid":42,"tid":43,"path":"/inc1/h.h"})" "\n"
      R"({"type":"attrib","time":1700000000123456789,"pid":42,"tid":43,"path":"/o/a.o","what":"times"})" "\n"
      R"({"type":"attrib","time":1700000000123456789,"pid":42,"tid":43,"path":"/o/a.o","what":"mode"})" "\n"
      R"({"type":"mknod","time":1700000000123456789,"pid":42,"tid":43,"path":"/o/fifo","kind":"fifo"})" "\n"
      R"({"type":"mknod","time":1700000000123456789,"pid":42,"tid":43,"path":"/o/empty","kind":"regular"})" "\n";
  ASSERT_EQ(out.substr(0, expected_events.size()), expected_events);
  nlohmann::json s = nlohmann::json::parse(out.substr(expected_events.size()));
  EXPECT_EQ(s["probed"], nlohmann::json({"/etc/ld.so.preload"}));
  EXPECT_EQ(s["listed"], nlohmann::json({"/src"}));
  EXPECT_EQ(s["missing"], nlohmann::json({"/inc1/h.h"}));
  EXPECT_TRUE(s["events"].contains("readdir"));

  summary.lookups = false;  // not traced: no lists at all
  nlohmann::json without = nlohmann::json::parse(WriteAll("jsonl", {}, &summary));
  EXPECT_FALSE(without.contains("probed"));
  EXPECT_FALSE(without.contains("listed"));
  EXPECT_FALSE(without.contains("missing"));
}

// fsatrace writes q for a successful stat or access, t for a change of
// times; it has no listing, no failed lookup, no other metadata change.
TEST(FsatraceWriter, QueryAndTouchLines) {
  EXPECT_EQ(WriteAll("fsatrace", LookupEvents(), nullptr),
            "q|/inc/h.h\n"
            "q|/etc/ld.so.preload\n"
            "t|/o/a.o\n"
            "w|/o/empty\n");
}

TEST(WriteSummaryText, OneLineAndALostWarning) {
  MemoryFile err;
  Summary summary = SampleSummary();
  WriteSummaryText(err.get(), summary);
  EXPECT_EQ(err.contents(),
            "fantrace: exit 1, processes: 2, read: 1 files, written: 2 files, deleted: 1, executed: 1, lost: 5\n"
            "fantrace: warning: 5 events were lost; the file lists may be incomplete\n");

  MemoryFile quiet;
  summary.lost = 0;
  WriteSummaryText(quiet.get(), summary);
  EXPECT_EQ(quiet.contents().find("warning"), std::string::npos);
}

TEST(OutputBuffer, ReportsAFullDiskAndKeepsReportingIt) {
  FILE* full = std::fopen("/dev/full", "w");
  ASSERT_NE(full, nullptr);
  {
    Result<std::unique_ptr<EventWriter>> writer = MakeWriter("jsonl", full);
    ASSERT_TRUE(writer.ok());
    // Enough events to pass the buffer's threshold, so Write itself fails.
    Status st = Ok{};
    for (int i = 0; i < 100'000 && st.ok(); ++i) st = (*writer)->Write(Base(EventType::kUnlink, "/x"));
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("No space left on device"), std::string::npos) << st.error().message;
    EXPECT_FALSE((*writer)->Write(Base(EventType::kUnlink, "/x")).ok());
    EXPECT_FALSE((*writer)->Flush().ok());
  }
  std::fclose(full);
}

TEST(OutputBuffer, ReportsABrokenPipeOnFlush) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  close(fds[0]);
  FILE* w = fdopen(fds[1], "w");
  ASSERT_NE(w, nullptr);
  // The CLI ignores SIGPIPE so that EPIPE arrives as an error instead.
  struct sigaction ignore = {}, old = {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old);
  {
    Result<std::unique_ptr<EventWriter>> writer = MakeWriter("fsatrace", w);
    ASSERT_TRUE(writer.ok());
    EXPECT_TRUE((*writer)->Write(Base(EventType::kUnlink, "/x")).ok()) << "buffered, not yet written";
    Status st = (*writer)->Flush();
    ASSERT_FALSE(st.ok());
    EXPECT_NE(st.error().message.find("Broken pipe"), std::string::npos) << st.error().message;
  }
  sigaction(SIGPIPE, &old, nullptr);
  std::fclose(w);
}

Summary SummaryWithUserFilters() {
  Summary s;
  s.stats.present = true;
  s.stats.delivered = 10;
  s.stats.merged = 2;
  s.stats.dropped_fs = 1;
  s.stats.dropped_user = {{"a.bpf.o:keep", 0}, {"b.bpf.o:\"odd\"", 7}};
  return s;
}

TEST(UserFilterStats, JsonlListsEachFilterAndAddsThemUp) {
  Summary summary = SummaryWithUserFilters();
  std::string out = WriteAll("jsonl", {}, &summary);
  nlohmann::json s = nlohmann::json::parse(out);
  const nlohmann::json& stats = s["stats"];
  EXPECT_EQ(stats["dropped"]["user"], 7);
  EXPECT_EQ(stats["seen"], 10 + 2 + 1 + 7);
  ASSERT_EQ(stats["user_filters"].size(), 2u);
  EXPECT_EQ(stats["user_filters"][0], nlohmann::json({{"name", "a.bpf.o:keep"}, {"dropped", 0}}));
  EXPECT_EQ(stats["user_filters"][1]["name"], "b.bpf.o:\"odd\"");
  EXPECT_EQ(stats["user_filters"][1]["dropped"], 7);

  Summary none = SummaryWithUserFilters();
  none.stats.dropped_user.clear();
  nlohmann::json n = nlohmann::json::parse(WriteAll("jsonl", {}, &none));
  EXPECT_EQ(n["stats"]["user_filters"], nlohmann::json::array());
  EXPECT_EQ(n["stats"]["dropped"]["user"], 0);
}

TEST(UserFilterStats, TextSaysWhatEachFilterDropped) {
  MemoryFile err;
  WriteSummaryText(err.get(), SummaryWithUserFilters());
  EXPECT_NE(err.contents().find("user 7), 0 lost"), std::string::npos) << err.contents();
  EXPECT_NE(err.contents().find("user filter 1 (b.bpf.o:\"odd\") dropped 7 events"), std::string::npos)
      << err.contents();
}

}  // namespace
}  // namespace fantrace::cli
