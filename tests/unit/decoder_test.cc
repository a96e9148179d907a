#include "lib/decoder.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <gtest/gtest.h>

#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "abi/events.h"
#include "lib/path_filter.h"
#include "lib/record_reader.h"

namespace fantrace {
namespace {

// A record as the BPF side lays it out: header, then the slots end to end.
std::vector<char> Record(ft_record hdr, std::initializer_list<std::string_view> slots = {}) {
  hdr.hdr_size = sizeof(ft_record);
  std::string body;
  size_t k = 0;
  for (std::string_view s : slots) {
    hdr.slot_len[k++] = static_cast<uint16_t>(s.size());
    body.append(s);
  }
  std::vector<char> rec(sizeof(hdr) + body.size());
  std::memcpy(rec.data(), &hdr, sizeof(hdr));
  std::memcpy(rec.data() + sizeof(hdr), body.data(), body.size());
  return rec;
}

ft_record Header(uint16_t type, uint32_t flags = 0) {
  ft_record hdr{};
  hdr.type = type;
  hdr.flags = flags;
  hdr.time_ns = 5'000;
  hdr.pid = 100;
  hdr.tid = 101;
  return hdr;
}

Event Decode(const std::vector<char>& rec, TimeBase tb = {}) {
  Result<Event> ev = DecodeRecord(rec.data(), rec.size(), tb);
  EXPECT_TRUE(ev.ok()) << (ev.ok() ? "" : ev.error().message);
  return ev.ok() ? ev.value() : Event{};
}

TEST(DecodeRecord, OpenCarriesInodeAndFlags) {
  ft_record hdr = Header(FT_OPEN, FT_F_READ | FT_F_WRITE | FT_F_CREATED | FT_F_TRUNCATED);
  hdr.dev = (8ull << 20) | 3;  // kernel encoding of sda3
  hdr.ino = 42;
  hdr.size = 7;
  hdr.mtime_sec = 1'700'000'000;
  hdr.mtime_nsec = 123;
  hdr.mode = S_IFREG | 0644;
  Event ev = Decode(Record(hdr, {"/tmp/out.o"}), TimeBase{1'000'000});

  EXPECT_EQ(ev.type, EventType::kOpen);
  EXPECT_EQ(ev.time_ns, 1'005'000u);
  EXPECT_EQ(ev.pid, 100u);
  EXPECT_EQ(ev.tid, 101u);
  EXPECT_EQ(ev.path, "/tmp/out.o");
  EXPECT_EQ(ev.access, Access::kReadWrite);
  EXPECT_TRUE(ev.created);
  EXPECT_TRUE(ev.truncated);
  EXPECT_TRUE(ev.regular);
  EXPECT_EQ(ev.dev, makedev(8, 3));
  EXPECT_EQ(ev.ino, 42u);
  EXPECT_EQ(ev.size, 7u);
  EXPECT_EQ(ev.mtime_ns, 1'700'000'000'000'000'123);
  EXPECT_FALSE(ev.path_truncated);
}

TEST(DecodeRecord, AccessModesAndNonRegularFiles) {
  ft_record hdr = Header(FT_OPEN, FT_F_READ);
  hdr.mode = S_IFDIR | 0755;
  Event dir = Decode(Record(hdr, {"/etc"}));
  EXPECT_EQ(dir.access, Access::kRead);
  EXPECT_FALSE(dir.regular);

  Event w = Decode(Record(Header(FT_OPEN, FT_F_WRITE), {"/x"}));
  EXPECT_EQ(w.access, Access::kWrite);
  EXPECT_TRUE(w.regular) << "mode 0 means the kernel did not say";
  EXPECT_FALSE(w.created);
}

TEST(DecodeRecord, CloseAndModify) {
  Event close = Decode(Record(Header(FT_CLOSE, FT_F_WRITTEN), {"/a"}));
  EXPECT_EQ(close.type, EventType::kClose);
  EXPECT_TRUE(close.written);
  Event modify = Decode(Record(Header(FT_MODIFY), {"/a"}));
  EXPECT_EQ(modify.type, EventType::kModify);
  EXPECT_EQ(modify.path, "/a");
}

TEST(DecodeRecord, ExecSplitsArgvWithOrWithoutTrailingNul) {
  using namespace std::string_view_literals;
  Event ev = Decode(Record(Header(FT_EXEC), {"/usr/bin/cc", "cc", "cc\0-c\0\0x.c\0"sv}));
  EXPECT_EQ(ev.type, EventType::kExec);
  EXPECT_EQ(ev.path, "/usr/bin/cc");
  EXPECT_EQ(ev.target, "cc");
  EXPECT_EQ(ev.argv, (std::vector<std::string>{"cc", "-c", "", "x.c"}));
  EXPECT_FALSE(ev.argv_truncated);

  Event cut = Decode(Record(Header(FT_EXEC, FT_F_ARGV_TRUNC), {"/bin/echo", "echo", "echo\0lon"sv}));
  EXPECT_EQ(cut.argv, (std::vector<std::string>{"echo", "lon"}));
  EXPECT_TRUE(cut.argv_truncated);

  Event none = Decode(Record(Header(FT_EXEC), {"/bin/true", "", ""}));
  EXPECT_TRUE(none.argv.empty());
}

TEST(DecodeRecord, ForkAndExit) {
  ft_record fork = Header(FT_FORK);
  fork.aux = 77;
  EXPECT_EQ(Decode(Record(fork)).ppid, 77u);

  ft_record exit = Header(FT_EXIT);
  exit.aux = 3 << 8;
  EXPECT_EQ(Decode(Record(exit)).exit_status, 3);
  exit.aux = 9;  // SIGKILL
  EXPECT_EQ(Decode(Record(exit)).exit_status, 137);
  exit.aux = 11 | 0x80;  // SIGSEGV with core dump
  EXPECT_EQ(Decode(Record(exit)).exit_status, 139);
}

TEST(DecodeRecord, PathStringEventsJoinBaseAndName) {
  Event rename = Decode(Record(Header(FT_RENAME), {"/src", "a/../tmp.1", "/src", "./out"}));
  EXPECT_EQ(rename.type, EventType::kRename);
  EXPECT_EQ(rename.from, "/src/tmp.1");
  EXPECT_EQ(rename.path, "/src/out");

  Event unlink = Decode(Record(Header(FT_UNLINK), {"/home/u", "/tmp//x"}));
  EXPECT_EQ(unlink.type, EventType::kUnlink);
  EXPECT_EQ(unlink.path, "/tmp/x");

  EXPECT_EQ(Decode(Record(Header(FT_RMDIR), {"/a", "b/"})).path, "/a/b");
  EXPECT_EQ(Decode(Record(Header(FT_MKDIR), {"/a", "c"})).type, EventType::kMkdir);
  Event trunc = Decode(Record(Header(FT_TRUNCATE), {"", "/f"}));
  EXPECT_EQ(trunc.type, EventType::kTruncate);
  EXPECT_EQ(trunc.path, "/f");
}

// Lookups carry the name first and the base second (the kernel merges on
// the name before it walks the base).
TEST(DecodeRecord, LookupsJoinNameAndBase) {
  ft_record hdr = Header(FT_STAT);
  hdr.dev = (8ull << 20) | 3;
  hdr.ino = 77;
  Event stat = Decode(Record(hdr, {"./inc/../h.h", "/src"}));
  EXPECT_EQ(stat.type, EventType::kStat);
  EXPECT_EQ(stat.path, "/src/h.h");
  EXPECT_EQ(stat.dev, makedev(8, 3));
  EXPECT_EQ(stat.ino, 77u);

  Event access = Decode(Record(Header(FT_STAT), {"/etc//hosts"}));  // absolute: no base
  EXPECT_EQ(access.path, "/etc/hosts");
  EXPECT_EQ(access.ino, 0u);

  Event missing = Decode(Record(Header(FT_MISSING), {"h.h", "/usr/include"}));
  EXPECT_EQ(missing.type, EventType::kMissing);
  EXPECT_EQ(missing.path, "/usr/include/h.h");

  ft_record dir = Header(FT_READDIR);
  dir.ino = 5;
  dir.mode = S_IFDIR | 0755;
  Event readdir = Decode(Record(dir, {"/src"}));
  EXPECT_EQ(readdir.type, EventType::kReaddir);
  EXPECT_EQ(readdir.path, "/src");
  EXPECT_EQ(readdir.ino, 5u);
}

TEST(DecodeRecord, AttribSaysWhatChanged) {
  Event mode = Decode(Record(Header(FT_ATTRIB, FT_F_SUBKIND(FT_ATTR_MODE)), {"/d", "f"}));
  EXPECT_EQ(mode.type, EventType::kAttrib);
  EXPECT_EQ(mode.path, "/d/f");
  EXPECT_EQ(mode.what, "mode");
  EXPECT_EQ(Decode(Record(Header(FT_ATTRIB, FT_F_SUBKIND(FT_ATTR_OWNER)), {"/d", "f"})).what, "owner");
  EXPECT_EQ(Decode(Record(Header(FT_ATTRIB, FT_F_SUBKIND(FT_ATTR_TIMES)), {"/d", "f"})).what, "times");
  // by fd: the file's path, no name
  Event xattr = Decode(Record(Header(FT_ATTRIB, FT_F_SUBKIND(FT_ATTR_XATTR)), {"/d/f", ""}));
  EXPECT_EQ(xattr.path, "/d/f");
  EXPECT_EQ(xattr.what, "xattr");
}

TEST(DecodeRecord, MknodKinds) {
  auto kind = [](uint32_t mode) {
    return Decode(Record(Header(FT_MKNOD, FT_F_SUBKIND(mode >> 12)), {"/d", "n"}));
  };
  EXPECT_EQ(kind(S_IFIFO).kind, "fifo");
  EXPECT_EQ(kind(S_IFSOCK).kind, "socket");
  EXPECT_EQ(kind(S_IFCHR).kind, "char");
  EXPECT_EQ(kind(S_IFBLK).kind, "block");
  EXPECT_EQ(kind(0).kind, "regular");
  EXPECT_TRUE(kind(S_IFREG).regular);
  EXPECT_FALSE(kind(S_IFIFO).regular);
  EXPECT_EQ(kind(S_IFIFO).path, "/d/n");
}

TEST(DecodeRecord, UnlinkOfADirectoryIsRmdir) {
  Event ev = Decode(Record(Header(FT_UNLINK, FT_F_DIR_OP), {"/a", "d"}));
  EXPECT_EQ(ev.type, EventType::kRmdir);
  EXPECT_EQ(ev.path, "/a/d");
}

TEST(DecodeRecord, LinkAndSymlink) {
  Event link = Decode(Record(Header(FT_LINK), {"/repo", ".git/tmp_obj", "/repo/.git", "objects/ab"}));
  EXPECT_EQ(link.type, EventType::kLink);
  EXPECT_EQ(link.target, "/repo/.git/tmp_obj");
  EXPECT_EQ(link.path, "/repo/.git/objects/ab");

  Event by_fd = Decode(Record(Header(FT_LINK, FT_F_TARGET_FILE), {"/d/#1234", "", "/d", "final"}));
  EXPECT_EQ(by_fd.target, "/d/#1234");
  EXPECT_EQ(by_fd.path, "/d/final");

  Event sym = Decode(Record(Header(FT_SYMLINK), {"", "../lib//x.so", "/usr/lib", "y.so"}));
  EXPECT_EQ(sym.type, EventType::kSymlink);
  EXPECT_EQ(sym.target, "../lib//x.so") << "link text is kept verbatim";
  EXPECT_EQ(sym.path, "/usr/lib/y.so");
}

TEST(DecodeRecord, UntracedReason) {
  ft_record hdr = Header(FT_UNTRACED);
  hdr.aux = FT_UNTRACE_SETID;
  EXPECT_EQ(Decode(Record(hdr)).reason, "setuid");
  hdr.aux = 99;
  EXPECT_EQ(Decode(Record(hdr)).reason, "unknown");
}

TEST(DecodeRecord, MountEvents) {
  ft_record bind = Header(FT_MOUNT, FT_F_SOURCE_PATH);
  bind.aux = FT_MOUNT_MOUNT;
  Event ev = Decode(Record(bind, {"/work", "mnt/../mnt", "/work", "src"}));
  EXPECT_EQ(ev.type, EventType::kMount);
  EXPECT_EQ(ev.mount_what, "mount");
  EXPECT_EQ(ev.path, "/work/mnt");
  EXPECT_EQ(ev.from, "/work/src");

  // a device string is not a path: as given, not joined to the cwd
  ft_record tmpfs = Header(FT_MOUNT);
  tmpfs.aux = FT_MOUNT_MOUNT;
  Event fs = Decode(Record(tmpfs, {"", "/run/x", "", "none"}));
  EXPECT_EQ(fs.path, "/run/x");
  EXPECT_EQ(fs.from, "none");

  const std::pair<int, const char*> whats[] = {{FT_MOUNT_UMOUNT, "umount"}, {FT_MOUNT_MOVE, "move"},
                                               {FT_MOUNT_PIVOT_ROOT, "pivot_root"},
                                               {FT_MOUNT_UNSHARE, "unshare"}, {FT_MOUNT_SETNS, "setns"},
                                               {FT_MOUNT_CLONE, "clone"}, {99, "unknown"}};
  for (auto [what, name] : whats) {
    ft_record hdr = Header(FT_MOUNT);
    hdr.aux = what;
    Event other = Decode(Record(hdr));
    EXPECT_EQ(other.mount_what, name);
    EXPECT_TRUE(other.path.empty());
    EXPECT_TRUE(other.from.empty());
  }
}

TEST(DecodeRecord, HowAFileWasGotAndLetGo) {
  Event received = Decode(Record(Header(FT_OPEN, FT_F_READ | FT_F_SCM_RIGHTS), {"/in"}));
  EXPECT_EQ(received.via, Via::kScmRights);
  EXPECT_FALSE(received.memfd);
  Event opened = Decode(Record(Header(FT_OPEN, FT_F_READ), {"/in"}));
  EXPECT_EQ(opened.via, Via::kSyscall);

  Event memfd = Decode(Record(Header(FT_MODIFY, FT_F_MEMFD), {"/memfd:x"}));
  EXPECT_TRUE(memfd.memfd);

  const std::pair<uint32_t, CloseAt> closes[] = {{0, CloseAt::kClose},
                                                 {FT_F_AT_EXIT, CloseAt::kExit},
                                                 {FT_F_AT_EXEC, CloseAt::kExec},
                                                 {FT_F_UNMAPPED, CloseAt::kMunmap}};
  for (auto [flag, at] : closes) {
    Event close = Decode(Record(Header(FT_CLOSE, FT_F_WRITTEN | flag), {"/out"}));
    EXPECT_EQ(close.close_at, at) << flag;
    EXPECT_TRUE(close.written);
  }
}

TEST(DecodeRecord, FileOnAMountOfAnotherNamespaceCarriesItsFsPath) {
  Event ev = Decode(Record(Header(FT_CLOSE, FT_F_WRITTEN | FT_F_FOREIGN_NS), {"/w/mnt/f", "/w/src/f"}));
  EXPECT_EQ(ev.path, "/w/mnt/f");
  EXPECT_EQ(ev.fs_path, "/w/src/f");
  Event plain = Decode(Record(Header(FT_CLOSE, FT_F_WRITTEN), {"/w/mnt/f"}));
  EXPECT_TRUE(plain.fs_path.empty());
  // a mount copied from the tracer's namespace: nothing to add
  Event same = Decode(Record(Header(FT_CLOSE, FT_F_WRITTEN | FT_F_FOREIGN_NS), {"/w/f", "/w/f"}));
  EXPECT_TRUE(same.fs_path.empty());
}

TEST(DecodeRecord, SlotTruncationFlagsThePath) {
  Event ev = Decode(Record(Header(FT_RENAME, FT_F_SLOT_TRUNC(3)), {"/a", "b", "/c", "d"}));
  EXPECT_TRUE(ev.path_truncated);
}

TEST(DecodeRecord, TolerantOfUnalignedData) {
  std::vector<char> rec = Record(Header(FT_OPEN, FT_F_READ), {"/x"});
  std::vector<char> shifted(rec.size() + 1);
  std::memcpy(shifted.data() + 1, rec.data(), rec.size());
  Result<Event> ev = DecodeRecord(shifted.data() + 1, rec.size(), {});
  ASSERT_TRUE(ev.ok());
  EXPECT_EQ(ev->path, "/x");
}

TEST(DecodeRecord, RejectsMalformedRecords) {
  std::vector<char> good = Record(Header(FT_OPEN), {"/abc"});
  EXPECT_FALSE(DecodeRecord(good.data(), sizeof(ft_record) - 1, {}).ok());
  EXPECT_FALSE(DecodeRecord(nullptr, 0, {}).ok());
  // Slot bytes past the end of the record.
  EXPECT_FALSE(DecodeRecord(good.data(), good.size() - 1, {}).ok());

  std::vector<char> skew = good;
  uint16_t bad_size = 72;
  std::memcpy(skew.data() + offsetof(ft_record, hdr_size), &bad_size, sizeof(bad_size));
  Result<Event> r = DecodeRecord(skew.data(), skew.size(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("72"), std::string::npos);

  for (uint16_t type : {0, int{FT_TYPE_MAX}, 0xffff}) {
    std::vector<char> unknown = Record(Header(type));
    EXPECT_FALSE(DecodeRecord(unknown.data(), unknown.size(), {}).ok()) << type;
  }

  ft_record huge = Header(FT_OPEN);
  huge.hdr_size = sizeof(ft_record);
  for (auto& len : huge.slot_len) len = 0xffff;
  EXPECT_FALSE(DecodeRecord(&huge, sizeof(huge), {}).ok()) << "slot lengths must not overflow the check";
}

TEST(DecodeRecord, SurvivesEveryTruncationOfARecord) {
  std::vector<char> rec = Record(Header(FT_RENAME), {"/a", "b", "/c", "d"});
  for (size_t n = 0; n < rec.size(); ++n) {
    EXPECT_FALSE(DecodeRecord(rec.data(), n, {}).ok()) << n;
  }
  EXPECT_TRUE(DecodeRecord(rec.data(), rec.size(), {}).ok());
}

TEST(DecodeRecord, IoUringEventsSayVia) {
  Event syscall = Decode(Record(Header(FT_OPEN, FT_F_READ), {"/a"}));
  EXPECT_EQ(syscall.via, Via::kSyscall);
  ft_record hdr = Header(FT_OPEN, FT_F_READ | FT_F_IO_URING);
  hdr.aux = 77;  // the open id
  Event uring = Decode(Record(hdr, {"/a"}));
  EXPECT_EQ(uring.via, Via::kIoUring);
  EXPECT_EQ(uring.open_id, 77u);
  EXPECT_EQ(uring.uring_request, 0u) << "only name events wait for a result";
  EXPECT_STREQ(ViaName(uring.via), "io_uring");
}

TEST(DecodeRecord, CompatUntracedReason) {
  ft_record hdr = Header(FT_UNTRACED);
  hdr.aux = FT_UNTRACE_COMPAT;
  EXPECT_EQ(Decode(Record(hdr)).reason, "compat_syscalls");
}

// An io_uring name record waits in the reader for its request's result.
TEST(RecordReader, HoldsIoUringNameEventsUntilTheirResult) {
  RecordReader reader(TimeBase{1'000}, PathFilter({}, {}));
  std::vector<Event> out;
  EventSink sink = [&](const Event& ev) -> Status {
    out.push_back(ev);
    return Ok{};
  };
  auto name_record = [](uint64_t request, std::string_view name) {
    ft_record hdr = Header(FT_UNLINK, FT_F_IO_URING);
    hdr.aux = static_cast<int64_t>(request);
    return Record(hdr, {"/d", name});
  };
  auto done = [](uint64_t request, int64_t result) {
    ft_record hdr = Header(FT_URING_DONE);
    hdr.aux = static_cast<int64_t>(request);
    hdr.size = static_cast<uint64_t>(result);
    hdr.time_ns = 9'000;
    return Record(hdr);
  };
  for (const std::vector<char>& rec : {name_record(1, "ok"), name_record(2, "failed"), done(2, -2),
                                       done(3, 0), done(1, 0)}) {
    ASSERT_TRUE(reader.Handle(rec.data(), rec.size(), sink));
  }
  ASSERT_EQ(out.size(), 1u) << "the failed unlink and the unmatched result give nothing";
  EXPECT_EQ(out[0].type, EventType::kUnlink);
  EXPECT_EQ(out[0].path, "/d/ok");
  EXPECT_EQ(out[0].via, Via::kIoUring);
  EXPECT_EQ(out[0].time_ns, 10'000u) << "stamped with the completion";
  EXPECT_EQ(reader.undecodable(), 0u);
}

TEST(IsTreeEnd, DistinguishesTheMarker) {
  std::vector<char> end = Record(Header(FT_TREE_END));
  EXPECT_TRUE(IsTreeEnd(end.data(), end.size()));
  EXPECT_FALSE(IsTreeEnd(end.data(), end.size() - 1));
  std::vector<char> open = Record(Header(FT_OPEN), {"/x"});
  EXPECT_FALSE(IsTreeEnd(open.data(), open.size()));
  EXPECT_FALSE(DecodeRecord(end.data(), end.size(), {}).ok()) << "not an event";
}

}  // namespace
}  // namespace fantrace
