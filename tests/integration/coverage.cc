// The coverage table (docs/coverage.md): each row of coverage_rows.txt is
// one call made by a scenario program under the real tracer; its events at
// the file the scenario used must be what the row says. The table is then
// rendered from the rows and compared with docs/coverage.md (written there
// instead with FANTRACE_UPDATE_COVERAGE=1).
#include <gtest/gtest.h>
#include <sys/xattr.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>

#include "coverage_table.h"
#include "harness.h"

namespace fantrace::itest {
namespace {

namespace fs = std::filesystem;

const std::string kRowsPath = FANTRACE_SOURCE_DIR "/tests/integration/coverage_rows.txt";
const std::string kDocPath = FANTRACE_SOURCE_DIR "/docs/coverage.md";
constexpr int kKernelLacksIt = 77;  // the scenarios' exit status when a call gives ENOSYS

std::vector<CoverageRow> Rows() {
  std::string error;
  std::optional<std::vector<CoverageRow>> rows = ReadCoverageRows(kRowsPath, &error);
  if (!rows) ADD_FAILURE() << error;
  return rows.value_or(std::vector<CoverageRow>{});
}

// The fixture of progs/cov_syscalls.c: f (with the xattr user.cov), d, e,
// x (an executable) and l (a symlink to f).
void MakeFixture(const TempDir& dir) {
  WriteFile(dir / "f", "data\n");
  ASSERT_EQ(setxattr((dir / "f").c_str(), "user.cov", "1", 1, 0), 0) << "user xattrs on /tmp";
  fs::create_directory(dir / "d");
  fs::create_directory(dir / "e");
  fs::copy_file("/bin/true", dir / "x");
  fs::create_symlink("f", dir / "l");
}

bool Contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// Runs the row's scenario and checks its events; false when the kernel
// lacks the call (the row is then skipped).
bool CheckRow(const CoverageRow& row) {
  SCOPED_TRACE(row.call + " (" + row.klass + ")");
  TempDir dir;
  MakeFixture(dir);
  const bool uring = row.klass == "io_uring";
  Trace t = TraceRun({Prog(uring ? "cov_uring" : "cov_syscalls"), row.call, dir.path()}, {"--probes"});
  const Json& summary = t.Summary();
  if (summary.value("exit_code", -1) == kKernelLacksIt) return false;
  EXPECT_EQ(summary.value("exit_code", -1), 0) << "the scenario failed: " << t.err;
  EXPECT_EQ(t.status, 0) << t.err;

  std::string target = row.target[0] == '/' ? row.target : dir / row.target;
  std::vector<Json> at = t.EventsAtPath(target);
  bool decoded = !uring || KernelDecodesUring();
  for (const std::string& kind : row.events) {
    if (!decoded) continue;  // counted instead (uring.cc checks that)
    bool found = std::any_of(at.begin(), at.end(), [&](const Json& ev) {
      return ev["type"] == kind && (!uring || ev.value("via", "") == "io_uring");
    });
    EXPECT_TRUE(found) << "no \"" << kind << "\" event at " << target << (uring ? " via io_uring" : "")
                       << "; the trace:\n" << t.jsonl;
  }
  for (const Json& ev : at) {
    std::string kind = ev["type"];
    EXPECT_TRUE(Contains(row.events, kind) || Contains(row.setup, kind))
        << "a \"" << kind << "\" event the row does not name: " << ev.dump();
  }
  for (const std::string& counter : row.counters)
    EXPECT_GT(summary["stats"].value(counter, 0), 0) << counter << " stayed 0: " << summary.dump();
  return true;
}

// The rows of `klass`, or of its half `part` (1 or 2; 0: all of them), so
// that each test stays well within the suite's time limit.
void CheckRowsOf(const std::string& klass, int part = 0) {
  FANTRACE_REQUIRE_ROOT();
  std::vector<CoverageRow> rows;
  for (CoverageRow& row : Rows())
    if (row.klass == klass) rows.push_back(std::move(row));
  size_t half = (rows.size() + 1) / 2;
  size_t begin = part == 2 ? half : 0, end = part == 1 ? half : rows.size();
  int ran = 0;
  std::vector<std::string> skipped;
  for (size_t i = begin; i < end; ++i) {
    const CoverageRow& row = rows[i];
    if (CheckRow(row)) ++ran;
    else skipped.push_back(row.call);
  }
  EXPECT_GT(ran, 0);
  std::ostringstream names;
  for (const std::string& call : skipped) names << " " << call;
  if (!skipped.empty()) std::cout << "[ skipped  ] this kernel lacks:" << names.str() << "\n";
}

TEST(Coverage, FileClassFirstHalf) { CheckRowsOf("%file", 1); }
TEST(Coverage, FileClassSecondHalf) { CheckRowsOf("%file", 2); }
TEST(Coverage, DescWriteSide) { CheckRowsOf("%desc-write"); }
TEST(Coverage, IoUring) { CheckRowsOf("io_uring"); }

// The %file rows are strace's %file class, as scripts/strace-class finds
// it with the installed strace, plus calls newer than that strace.
TEST(Coverage, FileRowsAreStraceFileClass) {
  if (system("command -v strace >/dev/null && command -v gcc >/dev/null") != 0)
    GTEST_SKIP() << "needs strace and gcc (scripts/install-deps)";
  ProcessResult result = RunUntraced({FANTRACE_SOURCE_DIR "/scripts/strace-class", "file"});
  ASSERT_EQ(result.status, 0) << result.err;
  std::set<std::string> strace, rows;
  std::istringstream in(result.out);
  for (std::string call; std::getline(in, call);) strace.insert(call);
  for (const CoverageRow& row : Rows())
    if (row.klass == "%file") rows.insert(row.call);
  ASSERT_GT(strace.size(), 50u) << result.out;
  for (const std::string& call : strace) EXPECT_TRUE(rows.count(call)) << call << " has no row";
  const std::set<std::string> newer = {"fchmodat2",    "setxattrat",     "getxattrat",   "listxattrat",
                                       "removexattrat", "open_tree_attr", "file_getattr", "file_setattr"};
  for (const std::string& call : rows)
    EXPECT_TRUE(strace.count(call) || newer.count(call)) << call << " is not in strace's %file";
}

TEST(Coverage, TableIsUpToDate) {
  std::vector<CoverageRow> rows = Rows();
  ASSERT_FALSE(rows.empty());
  std::string table = RenderCoverageTable(rows);
  const char* update = getenv("FANTRACE_UPDATE_COVERAGE");
  if (update && std::string(update) == "1") {
    WriteFile(kDocPath, table);
    return;
  }
  WriteFile(FANTRACE_BUILD_DIR "/coverage.md", table);
  EXPECT_EQ(ReadFile(kDocPath), table)
      << "docs/coverage.md is not the rendering of tests/integration/coverage_rows.txt: run this test "
         "with FANTRACE_UPDATE_COVERAGE=1 (or compare with " FANTRACE_BUILD_DIR "/coverage.md)";
}

}  // namespace
}  // namespace fantrace::itest
