// fantrace doctor: the kernel features it reports are the running kernel's
// (probed, not assumed), and a kernel the suite runs on is one fantrace
// supports.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>
#include <cstdio>
#include <sstream>
#include <tuple>

#include "harness.h"
#include "test_accounts.h"

namespace fantrace::itest {
namespace {

// "6.1.0-50-cloud-amd64" -> {6, 1}
std::tuple<int, int> Release(const std::string& text) {
  int major = 0, minor = 0;
  sscanf(text.c_str(), "%d.%d", &major, &minor);
  return {major, minor};
}

TEST(Doctor, ReportsTheRunningKernelsFeatures) {
  FANTRACE_REQUIRE_ROOT();
  Trace t = RunFantrace({"doctor"});
  ASSERT_EQ(t.status, 0) << t.out << t.err;
  utsname u{};
  ASSERT_EQ(uname(&u), 0);
  EXPECT_NE(t.out.find(std::string("kernel: ") + u.release + "\n"), std::string::npos) << t.out;

  // Every feature is reported, and each one that mainline Linux has had
  // since a release no newer than this kernel's is found by the probe.
  std::istringstream lines(t.out);
  std::string line;
  int features = 0;
  while (std::getline(lines, line)) {
    char name[64] = {}, present[4] = {};
    int major = 0, minor = 0;
    if (sscanf(line.c_str(), "feature: %63s %3s (Linux %d.%d+: ", name, present, &major, &minor) != 4)
      continue;
    ++features;
    EXPECT_TRUE(std::string(present) == "yes" || std::string(present) == "no") << line;
    if (Release(u.release) >= std::tuple<int, int>{major, minor}) {
      EXPECT_STREQ(present, "yes") << line;
    }
  }
  EXPECT_GE(features, 6) << t.out;
  // bpf_loop (5.17) is the newest feature the default path needs; before
  // it, or when FANTRACE_BPF_PATH asks for it, the compat path runs
  const char* forced = getenv("FANTRACE_BPF_PATH");
  bool compat = (forced && std::string(forced) == "compat") ||
                (!(forced && std::string(forced) == "default") &&
                 Release(u.release) < std::tuple<int, int>{5, 17});
  EXPECT_NE(t.out.find(compat ? "\ncode path: compat (5.10)" : "\ncode path: default"), std::string::npos)
      << t.out;
  EXPECT_NE(t.out.find("\nstatus: supported\n"), std::string::npos) << t.out;
}

TEST(Doctor, NeedsRootAndSaysSoInOneLine) {
  FANTRACE_REQUIRE_ROOT();
  ProcessResult as_nobody = RunUntraced({"setpriv", "--reuid=nobody", "--regid=nogroup",
                                         "--clear-groups", FANTRACE_BIN, "doctor"});
  EXPECT_EQ(as_nobody.status, 2) << as_nobody.err;
  EXPECT_EQ(std::count(as_nobody.err.begin(), as_nobody.err.end(), '\n'), 1) << as_nobody.err;
}

}  // namespace
}  // namespace fantrace::itest

namespace fantrace::itest {
namespace {

// The database line: missing, fine, and from a newer fantrace, in words.
TEST(Doctor, SaysWhatStateTheDatabaseIsIn) {
  FANTRACE_REQUIRE_ROOT();
  TempDir data;
  auto doctor = [&] { return RunUntraced({"env", "XDG_DATA_HOME=" + data.path(), FANTRACE_BIN, "doctor"}); };
  ProcessResult none = doctor();
  EXPECT_NE(none.out.find("database: " + data.path() + "/fantrace/provenance.db: none yet"), std::string::npos)
      << none.out;
  ProcessResult rec = RunUntraced({"env", "XDG_DATA_HOME=" + data.path(), FANTRACE_BIN, "record", "--", "true"});
  ASSERT_EQ(rec.status, 0) << rec.err;
  ProcessResult ok = doctor();
  EXPECT_NE(ok.out.find("/provenance.db: ok: schema version"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find(", 1 recorded commands"), std::string::npos) << ok.out;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data.path() + "/fantrace/provenance.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 999", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  ProcessResult newer = doctor();
  EXPECT_NE(newer.out.find("has schema version 999, newer than this fantrace knows"), std::string::npos) << newer.out;
}

// An ordinary user: the daemon line decides; with a fantraced answering on
// $FANTRACE_SOCKET doctor says tracing works through it.
TEST(Doctor, AnOrdinaryUserIsToldAboutFantraced) {
  FANTRACE_REQUIRE_ROOT();
  auto doctor_as_nobody = [](const std::string& socket) {
    return RunUntraced({"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "env",
                        "FANTRACE_SOCKET=" + socket, FANTRACE_BIN, "doctor"});
  };
  TempDir no_daemon;
  std::filesystem::permissions(no_daemon.path(),
                               std::filesystem::perms::owner_all | std::filesystem::perms::others_exec);
  ProcessResult without = doctor_as_nobody(no_daemon / "run/fantrace.sock");
  EXPECT_EQ(without.status, 2);
  EXPECT_NE(without.out.find("daemon: tracing without root needs the fantraced daemon, which is not running"),
            std::string::npos)
      << without.out;
  TestDaemon daemon;
  ProcessResult with = doctor_as_nobody(daemon.socket());
  EXPECT_EQ(with.status, 0) << with.out << with.err;
  EXPECT_NE(with.out.find("daemon: fantraced answers on " + daemon.socket()), std::string::npos) << with.out;
  EXPECT_NE(with.out.find("status: supported through fantraced"), std::string::npos) << with.out;
}

}  // namespace
}  // namespace fantrace::itest
