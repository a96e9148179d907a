// The central PostgreSQL store, as root against the test server
// (pg_server.h): two simulated hosts (UTS namespaces with their own
// hostnames) recording into one store at once, a file made on one and
// copied to the other traced back to its command; sixteen recorders at
// once; the store named by FANTRACE_DB; passwords kept out of argv and
// messages; and `fantrace sync` from SQLite, run twice and from a database
// whose schema is behind.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "harness.h"
#include "provenance_harness.h"

namespace fantrace::itest {
namespace {

class CentralStore : public ::testing::Test {
 protected:
  void SetUp() override {
    FANTRACE_REQUIRE_ROOT();
    server_ = PgServer::Shared();
    ASSERT_NE(server_, nullptr);
    uri_ = server_->NewDatabase();
  }
  // `fantrace ARGS...` in `cwd` on a host named `host` (its own UTS
  // namespace), as a Process.
  std::unique_ptr<Process> OnHost(const std::string& host, const std::string& cwd,
                                  const std::vector<std::string>& args) {
    std::vector<std::string> argv{"unshare", "--uts", "sh", "-c", "hostname \"$0\" && cd \"$1\" && shift && exec \"$@\"",
                                  host, cwd, FANTRACE_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    return std::make_unique<Process>(argv);
  }
  PgServer* server_ = nullptr;
  std::string uri_;
};

TEST_F(CentralStore, AFileMadeOnOneHostAndCopiedToAnotherIsTracedBack) {
  TempDir node_a, node_b;
  WriteFile(node_a / "raw.csv", "b,2\na,1\nc,3\n");
  WriteFile(node_b / "notes.txt", "unrelated\n");
  // Both hosts record at once.
  std::unique_ptr<Process> a = OnHost("node-a", node_a.path(),
                                      {"record", "--db", uri_, "--", "sh", "-c", "sleep 0.3; sort raw.csv > result.csv"});
  std::unique_ptr<Process> b = OnHost("node-b", node_b.path(),
                                      {"record", "--db", uri_, "--", "sh", "-c", "sleep 0.3; wc -l notes.txt > n.txt"});
  ProcessResult ra = a->Wait(), rb = b->Wait();
  ASSERT_EQ(ra.status, 0) << ra.err;
  ASSERT_EQ(rb.status, 0) << rb.err;
  // As scp would: a copy nothing recorded, under another name, on node b;
  // then node b works on it.
  ASSERT_EQ(RunUntraced({"cp", node_a / "result.csv", node_b / "received.csv"}).status, 0);
  ProcessResult used = OnHost("node-b", node_b.path(),
                              {"record", "--db", uri_, "--", "sh", "-c", "tail -n 1 received.csv > last.csv"})->Wait();
  ASSERT_EQ(used.status, 0) << used.err;

  ProcessResult found = Fantrace(node_b.path(), {"query", "--db", uri_, "--json", "--wfile", "received.csv"});
  ASSERT_EQ(found.status, 0) << found.err;
  Json commands = ParseJson(found);
  ASSERT_EQ(commands.size(), 1u) << commands.dump(1);
  EXPECT_EQ(commands[0]["hostname"], "node-a");
  EXPECT_EQ(commands[0]["argv"][2], "sleep 0.3; sort raw.csv > result.csv");
  EXPECT_EQ(commands[0]["matches"][0]["match"], "content");
  EXPECT_EQ(commands[0]["matches"][0]["file"]["path"], node_a / "result.csv");

  ProcessResult lineage = Fantrace(node_b.path(), {"lineage", "--db", uri_, "last.csv"});
  ASSERT_EQ(lineage.status, 0) << lineage.err;
  size_t tail = lineage.out.find("tail -n 1 received.csv");
  size_t sort = lineage.out.find("sort raw.csv > result.csv");
  ASSERT_NE(tail, std::string::npos) << lineage.out;
  ASSERT_NE(sort, std::string::npos) << "the writer on the other host, by content: " << lineage.out;
  EXPECT_LT(tail, sort) << lineage.out;
  EXPECT_NE(lineage.out.find(node_a / "raw.csv"), std::string::npos) << lineage.out;

  for (const char* host : {"node-a", "node-b"}) {
    Json on_host = ParseJson(Fantrace("/", {"query", "--db", uri_, "--json", "--host", host}));
    ASSERT_EQ(on_host.size(), std::string(host) == "node-a" ? 1u : 2u) << host << on_host.dump(1);
    for (const Json& c : on_host) EXPECT_EQ(c["hostname"], host);
  }
}

TEST_F(CentralStore, SixteenConcurrentRecordersAllLand) {
  TempDir work;
  constexpr int kRecorders = 16;
  std::vector<std::unique_ptr<Process>> runs;
  // Named by FANTRACE_DB, as the shell integration would find it.
  for (int i = 0; i < kRecorders; ++i)
    runs.push_back(std::make_unique<Process>(std::vector<std::string>{
        "env", "-C", work.path(), "FANTRACE_DB=" + uri_, FANTRACE_BIN, "record", "--", "sh", "-c",
        fmt::format("sleep 0.5; echo {0} > out{0}.txt; cat out{0}.txt > copy{0}.txt", i)}));
  for (auto& run : runs) {
    ProcessResult r = run->Wait(std::chrono::seconds(600));
    EXPECT_EQ(r.status, 0) << r.err;
  }
  ProcessResult history = RunUntraced({"env", "FANTRACE_DB=" + uri_, FANTRACE_BIN, "history", "-n", "0", "--json"});
  ASSERT_EQ(history.status, 0) << history.err;
  EXPECT_EQ(ParseJson(history).size(), static_cast<size_t>(kRecorders)) << history.out;
  for (int i = 0; i < kRecorders; ++i) {
    Json found = ParseJson(Fantrace(work.path(), {"query", "--db", uri_, "--json", "--wfile", fmt::format("copy{}.txt", i)}));
    ASSERT_EQ(found.size(), 1u) << i << found.dump(1);
    EXPECT_NE(found[0]["argv"][2].get<std::string>().find(fmt::format("out{}.txt", i)), std::string::npos);
  }
  EXPECT_EQ(CheckDatabase(uri_).integrity, "ok");
}

TEST_F(CentralStore, PasswordsStayOutOfArgvAndMessages) {
  TempDir work;
  // The test server trusts its socket, so the password is not needed; it
  // is there to be hidden.
  const std::string name = PgDatabaseName(uri_);
  const std::string with_password =
      fmt::format("postgresql://postgres:hunter2@/{}?host={}", name, server_->socket_dir() + "/s");
  ProcessResult r = Fantrace(work.path(), {"record", "--db", with_password, "--", "sh", "-c",
                                           "tr '\\0' ' ' < /proc/$PPID/cmdline > cmdline.txt"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("password on the command line"), std::string::npos) << r.err;
  std::string cmdline = ReadFile(work / "cmdline.txt");
  EXPECT_NE(cmdline.find("record --db postgresql://postgres:*******@/"), std::string::npos) << cmdline;
  EXPECT_EQ(cmdline.find("hunter2"), std::string::npos) << cmdline;
  EXPECT_EQ(r.err.find("hunter2"), std::string::npos) << r.err;

  const std::string wrong =
      fmt::format("postgresql://postgres:hunter2@/no_such_db?host={}", server_->socket_dir() + "/s");
  ProcessResult failed = Fantrace(work.path(), {"history", "--db", wrong});
  EXPECT_EQ(failed.status, 2);
  EXPECT_NE(failed.err.find("no_such_db"), std::string::npos) << "the message says what failed: " << failed.err;
  EXPECT_NE(failed.err.find("postgresql://postgres@/no_such_db"), std::string::npos) << failed.err;
  EXPECT_EQ(failed.err.find("hunter2"), std::string::npos) << failed.err;
}

// Records two commands into a local SQLite database.
std::string LocalDatabase(const TempDir& work) {
  std::string db = work / "laptop.db";
  for (const char* script : {"echo one > a.txt", "cat a.txt > b.txt"}) {
    ProcessResult r = Fantrace(work.path(), {"record", "--db", db, "--", "sh", "-c", script});
    EXPECT_EQ(r.status, 0) << r.err;
  }
  return db;
}

TEST_F(CentralStore, SyncCopiesEachCommandOnce) {
  TempDir work;
  std::string db = LocalDatabase(work);
  ProcessResult first = Fantrace(work.path(), {"sync", "--from", db, "--to", uri_});
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_NE(first.err.find("copied 2 commands"), std::string::npos) << first.err;
  ProcessResult second = Fantrace(work.path(), {"sync", "--from", db, "--to", uri_});
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_NE(second.err.find("copied 0 commands"), std::string::npos) << second.err;
  EXPECT_NE(second.err.find("2 were there already"), std::string::npos) << second.err;
  EXPECT_EQ(StoreScalar(uri_, "SELECT count(*) FROM commands"), "2");
  EXPECT_EQ(StoreScalar(uri_, "SELECT count(DISTINCT uuid) FROM commands"), "2");

  // A new local command: only it goes.
  ASSERT_EQ(Fantrace(work.path(), {"record", "--db", db, "--", "sh", "-c", "cat b.txt > c.txt"}).status, 0);
  ProcessResult third = Fantrace(work.path(), {"sync", "--from", db, "--to", uri_});
  EXPECT_NE(third.err.find("copied 1 commands"), std::string::npos) << third.err;

  // The same answers from both stores: a.txt, b.txt and c.txt hold the
  // same bytes, so all three commands made this content, c.txt's own first.
  for (const std::string& store : {db, uri_}) {
    Json found = ParseJson(Fantrace(work.path(), {"query", "--db", store, "--json", "--wfile", "c.txt"}));
    ASSERT_EQ(found.size(), 3u) << store << found.dump(1);
    EXPECT_EQ(found[0]["argv"][2], "cat b.txt > c.txt");
    EXPECT_EQ(found[1]["argv"][2], "cat a.txt > b.txt");
    EXPECT_EQ(found[2]["argv"][2], "echo one > a.txt");
    ProcessResult lineage = Fantrace(work.path(), {"lineage", "--db", store, "c.txt"});
    EXPECT_NE(lineage.out.find("echo one > a.txt"), std::string::npos) << store << lineage.out;
  }
}

TEST_F(CentralStore, SyncFromADatabaseWithMigrationsPending) {
  TempDir work;
  std::string db = LocalDatabase(work);
  // Back to schema version 1, as a fantrace before sync left it: no uuids.
  ASSERT_EQ(StoreScalar(db, "SELECT count(*) FROM commands"), "2");
  for (const char* sql : {"DROP INDEX commands_uuid", "DROP INDEX commands_host", "ALTER TABLE commands DROP COLUMN uuid",
                          "PRAGMA user_version = 1"})
    StoreScalar(db, sql);
  ASSERT_EQ(StoreScalar(db, "PRAGMA user_version"), "1");
  ProcessResult first = Fantrace(work.path(), {"sync", "--from", db, "--to", uri_});
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_NE(first.err.find("copied 2 commands"), std::string::npos) << first.err;
  EXPECT_EQ(StoreScalar(db, "PRAGMA user_version"), std::to_string(2)) << "sync brought the schema up to date";
  ProcessResult second = Fantrace(work.path(), {"sync", "--from", db, "--to", uri_});
  EXPECT_NE(second.err.find("copied 0 commands"), std::string::npos) << "the uuids given once are kept: " << second.err;
  EXPECT_EQ(StoreScalar(uri_, "SELECT count(*) FROM commands"), "2");
}

}  // namespace
}  // namespace fantrace::itest
