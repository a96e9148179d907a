// The provenance database end to end, as root: `fantrace record` on a
// small real pipeline (generate data, transform it, copy the result
// elsewhere), then query, history, show, lineage and restore on it; a file
// changed after its command; a file stat names by another device than the
// kernel; SIGKILL during record; two records at once. provenance_cli.cc:
// bad input, --help; provenance_sudo.cc: the database and the traced files
// under sudo. Every test here runs against both stores, SQLite and the
// test PostgreSQL server, with the same expectations.
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "harness.h"
#include "provenance_harness.h"

namespace fantrace::itest {
namespace {

// A pipeline recorded once per store and test process, shared by the
// tests that only read it.
class Provenance : public ::testing::TestWithParam<StoreKind> {
 protected:
  static void TearDownTestSuite() { pipelines_.clear(); }
  void SetUp() override {
    FANTRACE_REQUIRE_ROOT();
    std::unique_ptr<Pipeline>& p = pipelines_[GetParam()];
    if (!p) p = std::make_unique<Pipeline>(GetParam());
    pipeline_ = p.get();
    ASSERT_TRUE(pipeline_->gen_id && pipeline_->sort_id && pipeline_->cp_id);
  }
  static std::map<StoreKind, std::unique_ptr<Pipeline>> pipelines_;
  Pipeline* pipeline_ = nullptr;
};
std::map<StoreKind, std::unique_ptr<Pipeline>> Provenance::pipelines_;
INSTANTIATE_TEST_SUITE_P(Stores, Provenance, ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres), StoreName);

// Tests that record their own commands, in a store of the parameter's kind.
class ProvenanceChanges : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override { FANTRACE_REQUIRE_ROOT(); }
  std::string NewDb(const TempDir& dir) { return NewStore(GetParam(), dir); }
};
INSTANTIATE_TEST_SUITE_P(Stores, ProvenanceChanges, ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         StoreName);
using ProvenanceRecord = ProvenanceChanges;
INSTANTIATE_TEST_SUITE_P(Stores, ProvenanceRecord, ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         StoreName);

TEST_P(Provenance, WfileOnTheCopyFindsTheCommandThatProducedTheContent) {
  Pipeline& p = *pipeline_;
  ProcessResult r = p.Run({"query", "--json", "--wfile", p.elsewhere / "copy.csv"});
  ASSERT_EQ(r.status, 0) << r.err;
  Json found = ParseJson(r);
  std::vector<int64_t> ids = Ids(found);
  EXPECT_NE(std::find(ids.begin(), ids.end(), p.sort_id), ids.end()) << "sort made this content: " << r.out;
  for (const Json& c : found) {
    if (c["id"] != p.sort_id) continue;
    EXPECT_EQ(c["matches"][0]["match"], "content");
    EXPECT_EQ(c["matches"][0]["file"]["path"], p.work / "sorted.csv");
    EXPECT_EQ(c["cwd"], p.work.path());
  }

  // At the original path the command that wrote it there comes first,
  // before cp, which wrote the same bytes elsewhere.
  Json original = ParseJson(p.Run({"query", "--json", "--wfile", p.work / "sorted.csv"}));
  ASSERT_FALSE(original.empty());
  EXPECT_EQ(original[0]["id"], p.sort_id) << original.dump(1);
  EXPECT_EQ(original[0]["matches"][0]["same_path"], true);

  // A copy nothing recorded made, under a new name: still found by content.
  TempDir third;
  ASSERT_EQ(RunUntraced({"cp", p.elsewhere / "copy.csv", third / "renamed.txt"}).status, 0);
  ProcessResult again = p.Run({"query", "--json", "--wfile", third / "renamed.txt"});
  ASSERT_EQ(again.status, 0) << again.err;
  std::vector<int64_t> again_ids = Ids(ParseJson(again));
  EXPECT_NE(std::find(again_ids.begin(), again_ids.end(), p.sort_id), again_ids.end()) << again.out;

  ProcessResult table = p.Run({"query", "--wfile", third / "renamed.txt"});
  EXPECT_NE(table.out.find("content"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("sort -t, -k2 -n -o sorted.csv data.csv"), std::string::npos) << table.out;
}

TEST_P(Provenance, RfileFindsTheReaders) {
  Pipeline& p = *pipeline_;
  ProcessResult r = p.Run({"query", "--json", "--rfile", p.work / "data.csv"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Ids(ParseJson(r)), std::vector<int64_t>{p.sort_id}) << r.out;
  ProcessResult sorted = p.Run({"query", "--json", "--rfile", p.work / "sorted.csv"});
  EXPECT_EQ(Ids(ParseJson(sorted)), std::vector<int64_t>{p.cp_id}) << sorted.out;
}

TEST_P(Provenance, QueryFiltersCombine) {
  Pipeline& p = *pipeline_;
  ProcessResult r = p.Run({"query", "--json", "--command", "cp *", "--cwd", p.work.path(), "--since", "1h",
                           "--exit-status", "0"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Ids(ParseJson(r)), std::vector<int64_t>{p.cp_id});
  ProcessResult none = p.Run({"query", "--json", "--command", "sort", "--exit-status", "3"});
  EXPECT_EQ(none.status, 1) << "nothing matched";
  EXPECT_EQ(ParseJson(none), Json::array());
  ProcessResult future = p.Run({"query", "--command", "sort", "--since", "2999-01-01"});
  EXPECT_EQ(future.status, 1);
  ProcessResult bad = p.Run({"query", "--since", "yesterday"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("yesterday"), std::string::npos) << bad.err;
}

TEST_P(Provenance, HistoryListsTheLatestCommandsOneLineEach) {
  Pipeline& p = *pipeline_;
  ProcessResult r = p.Run({"history", "-n", "2"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> lines;
  for (size_t at = 0; at < r.out.size();) {
    size_t end = r.out.find('\n', at);
    lines.push_back(r.out.substr(at, end - at));
    at = end == std::string::npos ? r.out.size() : end + 1;
  }
  ASSERT_EQ(lines.size(), 3u) << r.out;  // a header and two commands
  EXPECT_TRUE(lines[1].starts_with(std::to_string(p.sort_id) + " ")) << r.out;
  EXPECT_NE(lines[1].find("sort -t, -k2"), std::string::npos) << r.out;
  EXPECT_TRUE(lines[2].starts_with(std::to_string(p.cp_id) + " ")) << r.out;
  EXPECT_EQ(Ids(ParseJson(p.Run({"history", "--json"}))), (std::vector<int64_t>{p.gen_id, p.sort_id, p.cp_id}));
}

TEST_P(Provenance, ShowHasTheCommandAndAllItsFiles) {
  Pipeline& p = *pipeline_;
  ProcessResult r = p.Run({"show", "--json", std::to_string(p.gen_id)});
  ASSERT_EQ(r.status, 0) << r.err;
  Json c = ParseJson(r);
  EXPECT_EQ(c["argv"], Json::array({"./gen.sh"}));
  EXPECT_EQ(c["cwd"], p.work.path());
  EXPECT_EQ(c["exit_status"], 0);
  EXPECT_EQ(c["user"], "root");
  EXPECT_GE(c["end_ns"].get<int64_t>(), c["start_ns"].get<int64_t>());
  bool wrote_data = false, ran_script = false;
  for (const Json& f : c["files"]) {
    if (f["role"] == "written" && f["path"] == p.work / "data.csv") {
      wrote_data = true;
      EXPECT_EQ(f["hash_state"], "verified") << f;
      EXPECT_EQ(f["size"], ReadFile(p.work / "data.csv").size());
      EXPECT_EQ(f["ino"], Stat(p.work / "data.csv").st_ino);
    }
    if (f["role"] == "executed" && f["path"] == p.script) {
      ran_script = true;
      EXPECT_TRUE(f["captured"].is_string()) << "an exec'd script is kept: " << f;
    }
  }
  EXPECT_TRUE(wrote_data) << r.out;
  EXPECT_TRUE(ran_script) << r.out;

  ProcessResult text = p.Run({"show", std::to_string(p.sort_id)});
  EXPECT_NE(text.out.find(p.work / "sorted.csv"), std::string::npos) << text.out;
  EXPECT_EQ(p.Run({"show", "9999"}).status, 1);
}

TEST_P(Provenance, LineageWalksFromTheCopyBackToTheScript) {
  Pipeline& p = *pipeline_;
  ProcessResult r = p.Run({"lineage", p.elsewhere / "copy.csv"});
  ASSERT_EQ(r.status, 0) << r.err;
  size_t cp = r.out.find(fmt::format("#{} cp sorted.csv", p.cp_id));
  size_t sort = r.out.find(fmt::format("#{} sort", p.sort_id));
  size_t gen = r.out.find(fmt::format("#{} ./gen.sh", p.gen_id));
  size_t script = r.out.find("read " + p.script);
  ASSERT_NE(cp, std::string::npos) << r.out;
  ASSERT_NE(sort, std::string::npos) << r.out;
  ASSERT_NE(gen, std::string::npos) << r.out;
  ASSERT_NE(script, std::string::npos) << r.out;
  EXPECT_TRUE(cp < sort && sort < gen && gen < script) << r.out;
  EXPECT_EQ(r.out.find("libc.so"), std::string::npos) << "system inputs are left out: " << r.out;

  ProcessResult dot = p.Run({"lineage", "--format", "dot", p.elsewhere / "copy.csv"});
  EXPECT_NE(dot.out.find(fmt::format("\"c:{}\" -> \"f:{}\"", p.sort_id, p.work / "sorted.csv")), std::string::npos)
      << dot.out;
  EXPECT_NE(dot.out.find(fmt::format("\"f:{}\" -> \"c:{}\"", p.work / "data.csv", p.sort_id)), std::string::npos)
      << dot.out;

  Json graph = ParseJson(p.Run({"lineage", "--json", p.elsewhere / "copy.csv"}));
  EXPECT_EQ(graph["nodes"].size(), 7u) << graph.dump(1);

  TempDir other;
  WriteFile(other / "orphan", "nobody made me\n");
  EXPECT_EQ(p.Run({"lineage", other / "orphan"}).status, 1);
}

TEST_P(Provenance, RestoreGivesBackTheScriptByteForByte) {
  Pipeline& p = *pipeline_;
  TempDir out;
  ProcessResult r = p.Run({"query", "--restore", p.script, "-o", out / "restored"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(ReadFile(out / "restored/gen.sh"), ReadFile(p.script));
  EXPECT_EQ(r.out, out / "restored/gen.sh\n");

  Json shown = ParseJson(p.Run({"show", "--json", std::to_string(p.gen_id)}));
  std::string hash;
  for (const Json& f : shown["files"])
    if (f["path"] == p.script && f["captured"].is_string()) hash = f["captured"];
  ASSERT_FALSE(hash.empty());
  ProcessResult by_hash = p.Run({"query", "--restore", hash, "-o", out.path()});
  ASSERT_EQ(by_hash.status, 0) << by_hash.err;
  EXPECT_EQ(ReadFile(out / hash), ReadFile(p.script));
  EXPECT_EQ(p.Run({"query", "--restore", p.work / "data.csv", "-o", out.path()}).status, 1)
      << "data is not kept, only scripts and configuration";
}

TEST_P(ProvenanceChanges, FileChangedAfterTheCommandIsReportedAsChanged) {
  Pipeline p(GetParam());
  WriteFile(p.work / "sorted.csv", "edited by hand\n");
  ProcessResult r = p.Run({"query", "--json", "--wfile", p.work / "sorted.csv"});
  ASSERT_EQ(r.status, 0) << r.err;
  Json found = ParseJson(r);
  ASSERT_EQ(Ids(found), std::vector<int64_t>{p.sort_id}) << r.out;
  EXPECT_EQ(found[0]["matches"][0]["match"], "path");
  EXPECT_EQ(found[0]["matches"][0]["changed_since"], true);
  ProcessResult table = p.Run({"query", "--wfile", p.work / "sorted.csv"});
  EXPECT_NE(table.out.find("changed since"), std::string::npos) << table.out;
  ProcessResult lineage = p.Run({"lineage", p.work / "sorted.csv"});
  EXPECT_NE(lineage.out.find("content changed since"), std::string::npos) << lineage.out;
}

TEST_P(ProvenanceChanges, FileChangedBeforeItCouldBeHashedHasNoHash) {
  TempDir work;
  std::string db = NewDb(work);
  ASSERT_EQ(RunUntraced({"mkfifo", work / "written", work / "changed"}).status, 0);
  // Outside the traced tree: waits for the command to have written out.txt,
  // appends to it, and only then lets the command exit, so the file differs
  // from the kernel's close when fantrace hashes it.
  Process changer({"env", "-C", work.path(), "sh", "-c", "read x < written; echo more >> out.txt; echo done > changed"});
  ProcessResult r = Fantrace(work.path(), {"record", "--db", db, "--", "sh", "-c",
                                           "echo data > out.txt; echo go > written; read x < changed"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(changer.Wait().status, 0);
  Json shown = ParseJson(Fantrace(work.path(), {"show", "--db", db, "--json", "1"}));
  bool seen = false;
  for (const Json& f : shown["files"]) {
    if (f["path"] != work / "out.txt") continue;
    seen = true;
    EXPECT_EQ(f["role"], "written");
    EXPECT_EQ(f["hash_state"], "changed") << f;
    EXPECT_TRUE(f["hash"].is_null()) << f;
  }
  EXPECT_TRUE(seen) << shown.dump(1);
  ProcessResult text = Fantrace(work.path(), {"show", "--db", db, "1"});
  EXPECT_NE(text.out.find("changed before it could be hashed"), std::string::npos) << text.out;
}

// stat's device number is not always the one the kernel's events carry:
// on an overlay over two filesystems (as on btrfs) a file reports its
// layer's. Its hash is still verified against the kernel's facts.
TEST_P(ProvenanceRecord, FilesWhoseStatDeviceIsNotTheKernelsAreVerified) {
  if (ReadFile("/proc/filesystems").find("\toverlay\n") == std::string::npos &&
      RunUntraced({"modprobe", "overlay"}).status != 0)
    GTEST_SKIP() << "this kernel has no overlayfs";
  TempDir dir;
  ScopedMount lower("tmpfs", dir / "lower", "tmpfs");
  ScopedMount upper("tmpfs", dir / "upper", "tmpfs");
  ASSERT_TRUE(lower.mounted() && upper.mounted());
  std::filesystem::create_directories(dir / "upper/data");
  std::filesystem::create_directories(dir / "upper/work");
  WriteFile(dir / "lower/in.txt", "from the lower layer\n");
  ScopedMount merged("overlay", dir / "merged", "overlay", 0,
                     fmt::format("lowerdir={},upperdir={},workdir={}", dir / "lower", dir / "upper/data",
                                 dir / "upper/work"));
  ASSERT_TRUE(merged.mounted());
  std::string work = dir / "merged", db = NewDb(dir);
  ProcessResult r = Fantrace(work, {"record", "--db", db, "--", "sh", "-c", "cat in.txt > out.txt"});
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_NE(Stat(work + "/out.txt").st_dev, Stat(work).st_dev) << "the case under test: a layer's device number";

  Json shown = ParseJson(Fantrace(work, {"show", "--db", db, "--json", "1"}));
  std::set<std::string> verified;
  for (const Json& f : shown["files"])
    if (f["hash_state"] == "verified") verified.insert(f["path"].get<std::string>());
  EXPECT_TRUE(verified.contains(work + "/out.txt")) << shown.dump(1);
  EXPECT_TRUE(verified.contains(work + "/in.txt")) << shown.dump(1);
  Json found = ParseJson(Fantrace(work, {"query", "--db", db, "--json", "--wfile", "out.txt"}));
  ASSERT_EQ(found.size(), 1u) << found.dump(1);
  EXPECT_EQ(found[0]["matches"][0]["match"], "content");
}

TEST_P(ProvenanceRecord, ExitStatusIsTheCommands) {
  TempDir work;
  const std::string db = NewDb(work);
  ProcessResult r = Fantrace(work.path(), {"record", "--db", db, "--", "sh", "-c", "exit 3"});
  EXPECT_EQ(r.status, 3) << r.err;
  Json history = ParseJson(Fantrace(work.path(), {"history", "--db", db, "--json"}));
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0]["exit_status"], 3);
  ProcessResult unusable = Fantrace(work.path(), {"record", "--db", "/proc/no/such/p.db", "--", "true"});
  EXPECT_EQ(unusable.status, 2);
  EXPECT_NE(unusable.err.find("/proc/no"), std::string::npos) << "the message names the path: " << unusable.err;
}

// Starts `fantrace ARGS...` in `cwd`, reads its standard error until the
// summary's "kernel:" line (the trace has ended; hashing and storing come
// next), waits `delay` and kills it with SIGKILL. A negative delay kills it
// that long after the start instead, while it traces.
void KillRecord(const std::string& cwd, const std::vector<std::string>& args, std::chrono::milliseconds delay) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(fds[1], STDERR_FILENO);
    int null = open("/dev/null", O_RDWR);
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    if (chdir(cwd.c_str()) != 0) _exit(127);
    std::vector<char*> argv{const_cast<char*>(FANTRACE_BIN)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(FANTRACE_BIN, argv.data());
    _exit(127);
  }
  close(fds[1]);
  if (delay.count() < 0) {
    std::this_thread::sleep_for(-delay);
  } else {
    FILE* err = fdopen(fds[0], "r");
    char line[4096];
    while (fgets(line, sizeof line, err) && !std::string_view(line).starts_with("fantrace: kernel:")) {
    }
    std::this_thread::sleep_for(delay);
    fclose(err);
    fds[0] = -1;
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  if (fds[0] >= 0) close(fds[0]);
}

TEST_P(ProvenanceRecord, SigkillDuringRecordLeavesAConsistentDatabase) {
  Pipeline p(GetParam());
  // A command with many outputs, so that hashing and storing them take a
  // while: the kills land while tracing, hashing and inside the transaction.
  ASSERT_EQ(RunUntraced({"mkdir", p.work / "many"}).status, 0);
  const std::vector<std::string> record{"record", "--db", p.db, "--", Prog("many_files"), "create",
                                        p.work / "many", "3000"};
  int64_t stored = 3;
  // Hashing and storing 3000 files takes about 50 ms (0.5 s under ASan)
  // after the summary: kills 0-40 ms after it land there.
  for (int ms : {-300, 0, 8, 16, 24, 32, 40}) {
    KillRecord(p.work.path(), record, std::chrono::milliseconds(ms));
    DbCheck check = CheckDatabase(p.db);
    EXPECT_EQ(check.integrity, "ok") << "after a kill at " << ms << " ms";
    EXPECT_GE(check.commands, stored) << "earlier commands are kept";
    EXPECT_EQ(StoreScalar(p.db, "SELECT count(*) FROM commands c WHERE c.command_line LIKE '%many_files%' AND "
                                "(SELECT count(*) FROM files f WHERE f.command_id = c.id AND f.role = 'written') < 3000"),
              "0")
        << "a command is stored whole or not at all (kill at " << ms << " ms)";
    stored = std::max(stored, check.commands);
  }
  ProcessResult history = p.Run({"history", "--json", "-n", "0"});
  std::vector<int64_t> ids = Ids(ParseJson(history));
  ASSERT_GE(ids.size(), 3u) << history.err;
  EXPECT_EQ(std::vector<int64_t>(ids.begin(), ids.begin() + 3), (std::vector<int64_t>{p.gen_id, p.sort_id, p.cp_id}));
  EXPECT_GT(p.Record({"true"}), 0) << "the database is still usable";
}

TEST_P(ProvenanceRecord, TwoConcurrentRecordsBothLand) {
  TempDir work;
  std::string db = NewDb(work);
  std::vector<std::unique_ptr<Process>> runs;
  for (const char* name : {"a", "b"})
    runs.push_back(std::make_unique<Process>(std::vector<std::string>{
        "env", "-C", work.path(), FANTRACE_BIN, "record", "--db", db, "--", "sh", "-c",
        fmt::format("sleep 0.3; echo {0} > {0}.txt", name)}));
  for (auto& run : runs) {
    ProcessResult r = run->Wait();
    EXPECT_EQ(r.status, 0) << r.err;
  }
  Json history = ParseJson(Fantrace(work.path(), {"history", "--db", db, "--json"}));
  ASSERT_EQ(history.size(), 2u) << history.dump(1);
  std::set<std::string> commands;
  for (const Json& c : history) commands.insert(c["argv"][2].get<std::string>());
  EXPECT_EQ(commands.size(), 2u);
  for (const char* name : {"a", "b"}) {
    ProcessResult r = Fantrace(work.path(), {"query", "--db", db, "--json", "--wfile", work / (std::string(name) + ".txt")});
    EXPECT_EQ(Ids(ParseJson(r)).size(), 1u) << name << ": " << r.out;
  }
  EXPECT_EQ(CheckDatabase(db).integrity, "ok");
}

}  // namespace
}  // namespace fantrace::itest
