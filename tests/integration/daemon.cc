// fantraced: ordinary users trace their own commands through a root daemon.
// The suite starts its own fantraced on a socket in a scratch directory,
// runs `fantrace` as two dedicated unprivileged users (made with useradd
// when missing) pointed at it by FANTRACE_SOCKET, and checks what each user
// may trace and sees.
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "harness.h"
#include "test_accounts.h"

namespace fantrace::itest {
namespace {

constexpr const char* kUser = "fantrace-test";
constexpr const char* kOtherUser = "fantrace-test2";

// Waits until setpriv has become the user's program in process pid.
void WaitUntilExecdAs(pid_t pid, uid_t uid) {
  std::string proc = "/proc/" + std::to_string(pid);
  for (int i = 0; i < 250; ++i) {
    struct stat st {};
    if (stat(proc.c_str(), &st) == 0 && st.st_uid == uid && ReadFile(proc + "/comm") != "setpriv\n") return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "process " << pid << " never ran as uid " << uid;
}

class Daemon : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    user_ = EnsureTestUser(kUser);
    other_ = EnsureTestUser(kOtherUser);
    daemon_ = new TestDaemon;
    socket_ = daemon_->socket();
  }
  static void TearDownTestSuite() {
    delete daemon_;  // kills it
    daemon_ = nullptr;
  }
  void SetUp() override {
    FANTRACE_REQUIRE_ROOT();
    ASSERT_TRUE(SocketAnswers(socket_)) << "fantraced is not serving on " << socket_;
  }

  // argv run as `name` (setpriv), with FANTRACE_SOCKET set to our daemon's.
  static std::vector<std::string> As(const char* name, const std::vector<std::string>& argv,
                                     const std::string& socket = socket_) {
    std::vector<std::string> full = {"setpriv",   std::string("--reuid=") + name, std::string("--regid=") + name,
                                     "--init-groups", "env", "FANTRACE_SOCKET=" + socket, FANTRACE_BIN};
    full.insert(full.end(), argv.begin(), argv.end());
    return full;
  }

  // A scratch directory the user owns.
  static void GiveTo(const TempDir& dir, const TestUser& user) {
    ASSERT_EQ(chown(dir.path().c_str(), user.uid, user.gid), 0);
  }

  static Trace Parse(const ProcessResult& r) { return TraceOfStdout(r); }

  static inline TestUser user_, other_;
  static inline std::string socket_;
  static inline TestDaemon* daemon_ = nullptr;
};

const std::vector<std::string> kJsonl = {"--format", "jsonl", "-o", "-", "--no-summary"};

std::vector<std::string> RunArgs(const std::vector<std::string>& command) {
  std::vector<std::string> args = {"run"};
  args.insert(args.end(), kJsonl.begin(), kJsonl.end());
  args.push_back("--");
  args.insert(args.end(), command.begin(), command.end());
  return args;
}

TEST_F(Daemon, UserTracesOwnCommandWithoutRoot) {
  TempDir dir;
  GiveTo(dir, user_);
  std::string in = dir / "in", out = dir / "out";
  WriteFile(in, "data\n");
  Trace t = Parse(RunUntraced(As(kUser, RunArgs({"/bin/sh", "-c", "cat " + in + " > " + out + "; exit 3"}))));
  EXPECT_EQ(t.status, 3) << "fantrace exits with the command's status\n" << t.err;
  EXPECT_EQ(Stat(out).st_uid, user_.uid) << "the command ran as the user";
  EXPECT_TRUE(t.Lists("read", in)) << t.jsonl << t.err;
  EXPECT_TRUE(t.Lists("written", out)) << t.jsonl;
  EXPECT_EQ(t.Summary()["exit_code"], 3);
  EXPECT_EQ(t.Summary()["lost"], 0);
}

// The target writes only once told to (a go file), after the attach is in
// effect: a fixed delay is too short in an emulated guest, where starting
// fantrace and the daemon's session takes seconds.
TEST_F(Daemon, AttachToOwnProcessIsServed) {
  TempDir dir;
  GiveTo(dir, user_);
  std::string out = dir / "late", go = dir / "go", trace = dir / "trace.jsonl";
  Process target({"setpriv", std::string("--reuid=") + kUser, std::string("--regid=") + kUser, "--init-groups",
                  "/bin/sh", "-c", "while [ ! -e '" + go + "' ]; do sleep 0.05; done; echo x > '" + out + "'"});
  WaitUntilExecdAs(target.pid(), user_.uid);
  Process attach(As(kUser, {"attach", "--format", "jsonl", "-o", trace, "--no-summary", std::to_string(target.pid())}));
  WaitUntilAttached(trace);
  WriteFile(go, "");
  ASSERT_EQ(target.Wait().status, 0);
  ProcessResult r = attach.Wait();
  r.out = ReadFile(trace);
  Trace t = Parse(r);
  EXPECT_EQ(t.status, 0) << t.err;
  EXPECT_TRUE(t.Lists("written", out)) << t.jsonl << t.err;
}

TEST_F(Daemon, AttachToRootProcessIsRefused) {
  Process root_sleep({"sleep", "30"});
  ProcessResult r = RunUntraced(As(kUser, {"attach", std::to_string(root_sleep.pid())}));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("belongs to another user (uid 0)"), std::string::npos) << r.err;
}

TEST_F(Daemon, AttachToAnotherUsersProcessIsRefused) {
  Process theirs({"setpriv", std::string("--reuid=") + kOtherUser, std::string("--regid=") + kOtherUser,
                  "--init-groups", "sleep", "30"});
  WaitUntilExecdAs(theirs.pid(), other_.uid);
  ProcessResult r = RunUntraced(As(kUser, {"attach", std::to_string(theirs.pid())}));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("belongs to another user"), std::string::npos) << r.err;
}

TEST_F(Daemon, SetuidProgramStopsBeingTraced) {
  TempDir dir;
  struct statvfs fs {};
  ASSERT_EQ(statvfs(dir.path().c_str(), &fs), 0);
  if (fs.f_flag & ST_NOSUID) GTEST_SKIP() << dir.path() << " is mounted nosuid";
  std::filesystem::permissions(dir.path(), std::filesystem::perms::all);
  std::string setuid_copy = dir / "setuid_write";
  std::filesystem::copy_file(Prog("setuid_write"), setuid_copy);
  ASSERT_EQ(chown(setuid_copy.c_str(), 0, 0), 0);
  ASSERT_EQ(chmod(setuid_copy.c_str(), 04755), 0);
  std::string before = dir / "before", secret = dir / "secret";
  Trace t = Parse(RunUntraced(
      As(kUser, RunArgs({"/bin/sh", "-c", "echo x > " + before + " && exec " + setuid_copy + " " + secret}))));
  ASSERT_EQ(t.status, 0) << t.err;
  ASSERT_EQ(Stat(secret).st_uid, 0u) << "the program did not run setuid root";
  long setuid_pid = std::stol(ReadFile(secret));
  std::optional<Json> untraced = t.OnlyEventOf("untraced", setuid_pid);
  ASSERT_TRUE(untraced);
  EXPECT_EQ((*untraced)["reason"], "setuid");
  EXPECT_TRUE(t.Lists("written", before));
  EXPECT_TRUE(t.EventsAtPath(secret).empty()) << "the setuid program's file\n" << t.jsonl;
}

// The two users' commands write files in their own directories at the same
// time; each trace holds its own user's files and none of the other's.
TEST_F(Daemon, TwoUsersSeeOnlyTheirOwnEvents) {
  TempDir mine, theirs;
  GiveTo(mine, user_);
  GiveTo(theirs, other_);
  auto loop = [](const TempDir& dir) {
    return "for i in 0 1 2 3 4 5 6 7 8 9; do echo $i > " + dir.path() + "/f_$i; cat " + dir.path() +
           "/f_$i > /dev/null; sleep 0.05; done";
  };
  Process a(As(kUser, RunArgs({"/bin/sh", "-c", loop(mine)})));
  Process b(As(kOtherUser, RunArgs({"/bin/sh", "-c", loop(theirs)})));
  Trace ta = Parse(a.Wait()), tb = Parse(b.Wait());
  ASSERT_EQ(ta.status, 0) << ta.err;
  ASSERT_EQ(tb.status, 0) << tb.err;
  EXPECT_EQ(ta.ListedUnder("written", mine.path()), NumberedFiles(mine, "f_", 10));
  EXPECT_EQ(tb.ListedUnder("written", theirs.path()), NumberedFiles(theirs, "f_", 10));
  EXPECT_FALSE(ta.MentionsUnder(theirs.path())) << "user 1 saw user 2's files\n" << ta.jsonl;
  EXPECT_FALSE(tb.MentionsUnder(mine.path())) << "user 2 saw user 1's files\n" << tb.jsonl;
}

// A client killed in the middle of its trace ends its session; another
// user's trace running at the time is complete, and the daemon serves on.
TEST_F(Daemon, KilledClientDisturbsNobody) {
  TempDir mine, theirs;
  GiveTo(mine, user_);
  GiveTo(theirs, other_);
  Process doomed(As(kUser, RunArgs({"/bin/sh", "-c",
                                    "while :; do echo x > " + mine.path() + "/spin; sleep 0.01; done"})));
  Process b(As(kOtherUser, RunArgs({"/bin/sh", "-c",
                                    "for i in 0 1 2 3 4 5 6 7 8 9; do echo $i > " + theirs.path() +
                                        "/f_$i; sleep 0.05; done"})));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  kill(doomed.pid(), SIGKILL);  // fantrace itself (setpriv exec'd it); its command spins on
  Trace tb = Parse(b.Wait());
  ASSERT_EQ(tb.status, 0) << tb.err;
  EXPECT_EQ(tb.ListedUnder("written", theirs.path()), NumberedFiles(theirs, "f_", 10));
  EXPECT_FALSE(tb.MentionsUnder(mine.path()));
  // a new session after it is served in full
  TempDir again;
  GiveTo(again, user_);
  Trace t = Parse(RunUntraced(As(kUser, RunArgs({"/bin/sh", "-c", "echo y > " + again.path() + "/after"}))));
  EXPECT_EQ(t.status, 0) << t.err;
  EXPECT_EQ(t.ListedUnder("written", again.path()), Paths{again / "after"});
  EXPECT_FALSE(t.MentionsUnder(mine.path())) << "the killed session's events leaked\n" << t.jsonl;
}

// Sends raw bytes to the daemon and returns what it answers until it closes.
std::string Exchange(const std::string& path, const std::string& bytes) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  (void)!write(fd, bytes.data(), bytes.size());
  std::string reply;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) reply.append(buf, n);
  close(fd);
  return reply;
}

std::string Frame(uint8_t kind, const std::string& payload) {
  uint32_t len = payload.size() + 1;
  std::string f(reinterpret_cast<const char*>(&len), 4);
  f.push_back(char(kind));
  return f + payload;
}

TEST_F(Daemon, MalformedRequestsGetAnErrorAndTheDaemonServesOn) {
  std::string bad_json = Exchange(socket_, Frame(1, "{not json"));
  EXPECT_NE(bad_json.find("malformed request"), std::string::npos) << bad_json;
  std::string bad_op = Exchange(socket_, Frame(1, R"({"op":"delete-everything","pid":1})"));
  EXPECT_NE(bad_op.find("malformed request"), std::string::npos) << bad_op;
  std::string huge = Exchange(socket_, std::string("\xff\xff\xff\x7f", 4) + "garbage");
  EXPECT_NE(huge.find("malformed request"), std::string::npos) << huge;
  std::string wrong_kind = Exchange(socket_, Frame(3, "a record from a client?"));
  EXPECT_NE(wrong_kind.find("malformed request"), std::string::npos) << wrong_kind;
  std::string op_not_string = Exchange(socket_, Frame(1, R"({"op":5,"pid":1})"));
  EXPECT_NE(op_not_string.find("malformed request"), std::string::npos) << op_not_string;
  std::string bad_options = Exchange(socket_, Frame(1, R"({"op":"trace","pid":1,"options":{"merge":"no"}})"));
  EXPECT_NE(bad_options.find("malformed request"), std::string::npos) << bad_options;
  Exchange(socket_, std::string(100000, '\0'));  // and a flood of zeros
  TempDir dir;
  GiveTo(dir, user_);
  Trace t = Parse(RunUntraced(As(kUser, RunArgs({"/bin/sh", "-c", "echo y > " + dir.path() + "/ok"}))));
  EXPECT_EQ(t.status, 0) << t.err;
  EXPECT_TRUE(t.Lists("written", dir / "ok"));
}

// A client that asks for a trace and then reads nothing: its records are
// dropped once its queue is full and counted as its loss, and the daemon
// serves another user meanwhile. Read at the end, the stream says how many
// were lost, so records and losses add up to what the command did.
TEST_F(Daemon, AClientThatDoesNotReadLosesRecordsNotTheDaemon) {
  TempDir dir;
  constexpr int kFiles = 60000;  // ~14 MB of records: more than a client's queue
  std::string go = dir / "go";
  Process work({"/bin/sh", "-c", "while [ ! -e " + go + " ]; do sleep 0.02; done; exec " +
                                     Prog("many_files") + " create " + dir.path() + " " + std::to_string(kFiles)});
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  strncpy(addr.sun_path, socket_.c_str(), sizeof(addr.sun_path) - 1);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  std::string request = Frame(1, "{\"op\":\"trace\",\"pid\":" + std::to_string(work.pid()) + "}");
  ASSERT_EQ(write(fd, request.data(), request.size()), ssize_t(request.size()));
  WriteFile(go, "");
  ProcessResult done = work.Wait();
  ASSERT_EQ(done.status, 0) << done.err;

  TempDir other;
  GiveTo(other, other_);
  Trace t = Parse(RunUntraced(As(kOtherUser, RunArgs({"/bin/sh", "-c", "echo y > " + other.path() + "/ok"}))));
  EXPECT_EQ(t.status, 0) << t.err;
  EXPECT_TRUE(t.Lists("written", other / "ok")) << "the daemon stalled behind a client that does not read";

  std::string stream;
  char buf[65536];
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) stream.append(buf, n);
  close(fd);
  uint64_t records = 0, lost_frames = 0;
  std::string end;
  for (size_t pos = 0; pos + 5 <= stream.size();) {
    uint32_t len;
    memcpy(&len, stream.data() + pos, 4);
    uint8_t kind = stream[pos + 4];
    std::string payload = stream.substr(pos + 5, len - 1);
    if (kind == 3) ++records;
    if (kind == 4 && payload.size() == 8) {
      uint64_t lost;
      memcpy(&lost, payload.data(), 8);
      lost_frames += lost;
    }
    if (kind == 5) end = payload;
    pos += 4 + len;
  }
  ASSERT_FALSE(end.empty()) << "no end of trace after " << records << " records";
  Json counters = Json::parse(end);
  EXPECT_GT(counters["lost"].get<uint64_t>(), 0u) << end;
  EXPECT_EQ(counters["lost"].get<uint64_t>(), lost_frames) << "every loss is reported in the stream";
  // one open per file (creates are never merged), its close, and the exec/exit
  EXPECT_GE(records + lost_frames, uint64_t(2 * kFiles)) << end;
}

TEST_F(Daemon, WithoutTheDaemonAUserIsToldHowToStartIt) {
  ProcessResult r = RunUntraced(As(kUser, {"run", "--", "true"}, daemon_->dir() / "no-such.sock"));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("sudo fantraced"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line:\n" << r.err;
}

TEST_F(Daemon, OptionsTheDaemonCannotHonourAreRefused) {
  ProcessResult r = RunUntraced(As(kUser, {"run", "--exclude-comm", "cat", "--", "true"}));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--exclude-comm is not available through fantraced"), std::string::npos) << r.err;
}

// --include and --exclude are per session too: the kernel keeps a block of
// prefixes per session slot.
TEST_F(Daemon, PathPrefixesArePerSession) {
  TempDir mine, theirs;
  GiveTo(mine, user_);
  GiveTo(theirs, other_);
  for (const TempDir* d : {&mine, &theirs}) {
    std::filesystem::create_directory(*d / "keep");
    std::filesystem::create_directory(*d / "skip");
  }
  for (const TempDir* d : {&mine, &theirs})
    for (const char* sub : {"keep", "skip"})
      ASSERT_EQ(chown((*d / sub).c_str(), d == &mine ? user_.uid : other_.uid, d == &mine ? user_.gid : other_.gid), 0);
  auto work = [](const TempDir& d) {
    return "for i in 0 1 2; do echo $i > " + d.path() + "/keep/f_$i; echo $i > " + d.path() + "/skip/f_$i; mv " +
           d.path() + "/skip/f_$i " + d.path() + "/skip/g_$i; sleep 0.05; done";
  };
  auto with = [](std::vector<std::string> options, const std::string& script) {
    std::vector<std::string> args = {"run"};
    args.insert(args.end(), kJsonl.begin(), kJsonl.end());
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"--", "/bin/sh", "-c", script});
    return args;
  };
  Process a(As(kUser, with({"--include", mine / "keep"}, work(mine))));
  Process b(As(kOtherUser, with({"--exclude", theirs / "keep"}, work(theirs))));
  Trace ta = Parse(a.Wait()), tb = Parse(b.Wait());
  ASSERT_EQ(ta.status, 0) << ta.err;
  ASSERT_EQ(tb.status, 0) << tb.err;
  EXPECT_EQ(ta.ListedUnder("written", mine.path()),
            (Paths{mine / "keep/f_0", mine / "keep/f_1", mine / "keep/f_2"}));
  EXPECT_FALSE(ta.MentionsUnder(mine / "skip")) << ta.jsonl;
  EXPECT_EQ(tb.ListedUnder("written", theirs.path()),
            (Paths{theirs / "skip/g_0", theirs / "skip/g_1", theirs / "skip/g_2"}));
  EXPECT_FALSE(tb.MentionsUnder(theirs / "keep")) << tb.jsonl;
}

// --events and --only-written are per session: two users tracing at once
// with different options each get what they asked for.
TEST_F(Daemon, KernelOptionsArePerSession) {
  TempDir mine, theirs;
  GiveTo(mine, user_);
  GiveTo(theirs, other_);
  auto work = [](const TempDir& dir) {
    return "for i in 0 1 2 3 4 5 6 7 8 9; do echo $i > " + dir.path() + "/f_$i; cat " + dir.path() +
           "/f_$i > /dev/null; sleep 0.05; done";
  };
  auto with = [](std::vector<std::string> options, const std::string& script) {
    std::vector<std::string> args = {"run"};
    args.insert(args.end(), kJsonl.begin(), kJsonl.end());
    args.insert(args.end(), options.begin(), options.end());
    args.insert(args.end(), {"--", "/bin/sh", "-c", script});
    return args;
  };
  Process a(As(kUser, with({"--only-written"}, work(mine))));
  Process b(As(kOtherUser, with({"--events", "exec,exit"}, work(theirs))));
  Trace ta = Parse(a.Wait()), tb = Parse(b.Wait());
  ASSERT_EQ(ta.status, 0) << ta.err;
  ASSERT_EQ(tb.status, 0) << tb.err;
  EXPECT_EQ(ta.ListedUnder("written", mine.path()), NumberedFiles(mine, "f_", 10));
  for (const Json& open : ta.Events("open"))
    EXPECT_NE(open["access"], "read") << "--only-written kept a read-only open: " << open.dump();
  EXPECT_FALSE(ta.Events("exec").empty()) << "the other session's --events applied here";
  EXPECT_TRUE(tb.Events("open").empty() && tb.Events("close").empty()) << tb.jsonl;
  EXPECT_FALSE(tb.Events("exec").empty()) << tb.jsonl;
}

}  // namespace
}  // namespace fantrace::itest
