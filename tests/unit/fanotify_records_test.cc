// Parsing a FAN_REPORT_DFID_NAME group's read() buffer, and naming its
// directory handles (the latter with a real handle of a real directory).
#include "lib/fanotify_records.h"

#include <fcntl.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <memory>

#include "lib/fan_handles.h"

namespace fantrace {
namespace {

// One info record of type `type`: fsid, a file handle and a name.
std::string Info(uint8_t type, int32_t fsid0, int32_t fsid1, const std::string& handle, const std::string& name) {
  std::string body;
  auto put = [&](const void* p, size_t n) { body.append(static_cast<const char*>(p), n); };
  put(&fsid0, 4);
  put(&fsid1, 4);
  uint32_t bytes = static_cast<uint32_t>(handle.size());
  int32_t handle_type = 1;
  put(&bytes, 4);
  put(&handle_type, 4);
  body += handle;
  body += name;
  body.push_back('\0');
  while ((body.size() + sizeof(fanotify_event_info_header)) % 4) body.push_back('\0');
  fanotify_event_info_header hdr{type, 0, static_cast<uint16_t>(sizeof hdr + body.size())};
  return std::string(reinterpret_cast<const char*>(&hdr), sizeof hdr) + body;
}

std::string Event(uint64_t mask, int32_t pid, const std::string& infos) {
  fanotify_event_metadata m{};
  m.event_len = static_cast<uint32_t>(sizeof m + infos.size());
  m.vers = FANOTIFY_METADATA_VERSION;
  m.metadata_len = sizeof m;
  m.mask = mask;
  m.fd = FAN_NOFD;
  m.pid = pid;
  return std::string(reinterpret_cast<const char*>(&m), sizeof m) + infos;
}

TEST(FanotifyRecords, ParsesDirHandleAndName) {
  std::string buf = Event(FAN_OPEN | FAN_CLOSE_NOWRITE, 42, Info(FAN_EVENT_INFO_TYPE_DFID_NAME, 7, 9, "HANDLE", "a.c")) +
                    Event(FAN_Q_OVERFLOW, -1, "");
  FanParseResult r = ParseFanotifyBuffer(buf.data(), buf.size());
  EXPECT_EQ(r.malformed, 0u);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[0].mask, FAN_OPEN | FAN_CLOSE_NOWRITE);
  EXPECT_EQ(r.records[0].pid, 42);
  EXPECT_TRUE(r.records[0].dir.present);
  EXPECT_EQ(r.records[0].dir.fsid, 7u | (9ull << 32));
  EXPECT_EQ(r.records[0].dir.handle, "HANDLE");
  EXPECT_EQ(r.records[0].dir.name, "a.c");
  EXPECT_FALSE(r.records[0].old_dir.present);
  EXPECT_TRUE(r.records[1].mask & FAN_Q_OVERFLOW);
  EXPECT_FALSE(r.records[1].dir.present);
}

TEST(FanotifyRecords, ParsesBothNamesOfARename) {
  std::string buf = Event(FAN_RENAME, 1,
                          Info(FAN_EVENT_INFO_TYPE_OLD_DFID_NAME, 1, 0, "H1", "old") +
                              Info(FAN_EVENT_INFO_TYPE_NEW_DFID_NAME, 1, 0, "H2", "new"));
  FanParseResult r = ParseFanotifyBuffer(buf.data(), buf.size());
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0].old_dir.name, "old");
  EXPECT_EQ(r.records[0].old_dir.handle, "H1");
  EXPECT_EQ(r.records[0].dir.name, "new");
  EXPECT_EQ(r.records[0].dir.handle, "H2");
}

TEST(FanotifyRecords, CountsTruncatedAndInconsistentEvents) {
  std::string good = Event(FAN_OPEN, 1, Info(FAN_EVENT_INFO_TYPE_DFID_NAME, 1, 0, "H", "x"));
  FanParseResult cut = ParseFanotifyBuffer(good.data(), good.size() - 3);
  EXPECT_TRUE(cut.records.empty());
  EXPECT_EQ(cut.malformed, 1u);
  std::string bad = good;
  bad[sizeof(fanotify_event_metadata) + 2] = static_cast<char>(0xff);  // an info length past the event
  FanParseResult r = ParseFanotifyBuffer(bad.data(), bad.size());
  EXPECT_TRUE(r.records.empty());
  EXPECT_EQ(r.malformed, 1u);
}

// A real directory's handle (name_to_handle_at) comes back as its path.
TEST(FanotifyRecords, ResolverNamesARealDirectoryHandle) {
  if (geteuid() != 0) GTEST_SKIP() << "open_by_handle_at needs CAP_DAC_READ_SEARCH (root)";
  char tmpl[] = "/tmp/fanotify-handle-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  std::string dir = std::filesystem::canonical(tmpl).string();
  std::unique_ptr<file_handle, decltype(&free)> h(static_cast<file_handle*>(malloc(sizeof(file_handle) + 128)), &free);
  h->handle_bytes = 128;
  int mount_id = 0;
  ASSERT_EQ(name_to_handle_at(AT_FDCWD, dir.c_str(), h.get(), &mount_id, 0), 0) << strerror(errno);
  FanDirName name;
  {
    struct statfs st;
    ASSERT_EQ(statfs(dir.c_str(), &st), 0);
    int32_t words[2];
    memcpy(words, &st.f_fsid, sizeof words);
    name.fsid = static_cast<uint32_t>(words[0]) | static_cast<uint64_t>(static_cast<uint32_t>(words[1])) << 32;
  }
  name.handle_type = h->handle_type;
  name.handle.assign(reinterpret_cast<const char*>(h->f_handle), h->handle_bytes);
  name.name = "out.txt";
  name.present = true;
  FanHandleResolver resolver({});
  EXPECT_EQ(resolver.Path(name), dir + "/out.txt");
  EXPECT_FALSE(resolver.Excluded(name));
  // Removed: the name it had is remembered.
  ASSERT_EQ(rmdir(dir.c_str()), 0);
  EXPECT_EQ(resolver.Path(name), dir + "/out.txt");
  EXPECT_EQ(resolver.unresolved(), 0u);
}

}  // namespace
}  // namespace fantrace
