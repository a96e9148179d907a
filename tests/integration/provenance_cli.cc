// The reading commands as a user meets them, not as a pipeline's answers
// (provenance.cc): bad input and --help, and a file the user running the
// query cannot read.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "harness.h"
#include "provenance_harness.h"

namespace fantrace::itest {
namespace {

// Bad input to the reading commands: one message naming what is wrong,
// exit status 2, nothing on standard output.
TEST(ProvenanceCli, BadInputIsAClearErrorWithExitStatus2) {
  TempDir work;
  std::string db = work / "p.db";
  WriteFile(work / "not-a-db", "just text, long enough to be no SQLite header at all\n");
  WriteFile(work / "empty.db", "");  // an empty file is an empty SQLite database
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"history", "--db", db}, "there is no provenance database at " + db},
      {{"show", "--db", db, "abc"}, "'abc' is not a command id (a whole number, 1 or more)"},
      {{"show", "--db", db, "0"}, "'0' is not a command id"},
      {{"show", "--db", db, "99999999999999999999"}, "is not a command id"},
      {{"history", "--db", db, "-n", "-1"}, "'-1' is not a number of commands"},
      {{"query", "--db", db, "--exit-status", "300"}, "'300' is not an exit status (a whole number from 0 to 255)"},
      {{"query", "--db", work / "empty.db", "--since", "2024-02-30"}, "'2024-02-30' is not a time"},
      {{"query", "--db", work / "not-a-db", "--command", "x"}, "file is not a database"},
  };
  for (const auto& [args, message] : cases) {
    ProcessResult r = Fantrace(work.path(), args);
    std::string what = fmt::format("{}", fmt::join(args, " "));
    EXPECT_EQ(r.status, 2) << what << ": " << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << what << ": " << r.err;
    EXPECT_EQ(r.out, "") << what;
  }
  EXPECT_FALSE(std::filesystem::exists(db)) << "reading commands create no database";
}

// Each reading command's --help states its own exit statuses, not those of
// run (the traced command's).
TEST(ProvenanceCli, HelpOfEachReadingCommandGivesItsOwnExitStatus) {
  TempDir work;
  const std::vector<std::pair<std::string, std::string>> commands{
      {"query", "1 if none did"},
      {"history", "Exit status: 0, or 2 on errors"},
      {"show", "1 if there is no command ID"},
      {"lineage", "1 if no recorded command wrote FILE"}};
  for (const auto& [command, status] : commands) {
    ProcessResult r = Fantrace(work.path(), {command, "--help"});
    EXPECT_EQ(r.status, 0) << command << ": " << r.err;
    EXPECT_NE(r.out.find(status), std::string::npos) << command << ":\n" << r.out;
    EXPECT_EQ(r.out.find("traced command's exit status"), std::string::npos) << command << ":\n" << r.out;
    EXPECT_NE(r.out.find("fantrace " + command + " "), std::string::npos) << "an example: " << r.out;
  }
  ProcessResult history = Fantrace(work.path(), {"history", "--help"});
  EXPECT_NE(history.out.find("the newest last"), std::string::npos) << "as history prints them: " << history.out;
}

TEST(ProvenanceChanges, FileTheUserCannotReadMatchesByPathWithAWarningNotAsChanged) {
  FANTRACE_REQUIRE_ROOT();
  TempDir work;
  ASSERT_EQ(chmod(work.path().c_str(), 0777), 0);  // nobody opens the database (and its -wal) here
  std::string db = work / "p.db";
  ProcessResult recorded = Fantrace(work.path(), {"record", "--db", db, "--", "sh", "-c", "echo secret > secret.txt"});
  ASSERT_EQ(recorded.status, 0) << recorded.err;
  ASSERT_EQ(chown(db.c_str(), 65534, 65534), 0);
  ASSERT_EQ(chmod((work / "secret.txt").c_str(), 0600), 0);  // unchanged, but nobody cannot read it
  auto as_nobody = [&](const std::vector<std::string>& args) {
    std::vector<std::string> argv{"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                  "env", "-C", work.path(), FANTRACE_BIN};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunUntraced(argv);
  };

  ProcessResult r = as_nobody({"query", "--db", db, "--json", "--wfile", "secret.txt"});
  ASSERT_EQ(r.status, 0) << r.err;
  Json found = ParseJson(r);
  ASSERT_EQ(found.size(), 1u) << r.out;
  EXPECT_EQ(found[0]["matches"][0]["match"], "path");
  EXPECT_EQ(found[0]["matches"][0]["changed_since"], false) << "nothing was compared, so nothing is known to have changed";
  EXPECT_NE(r.err.find("warning: cannot open " + work / "secret.txt" + ": Permission denied"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("matched by path only"), std::string::npos) << r.err;

  ProcessResult lineage = as_nobody({"lineage", "--db", db, "secret.txt"});
  EXPECT_EQ(lineage.status, 0) << lineage.err;
  EXPECT_NE(lineage.out.find("writer found by path"), std::string::npos) << lineage.out;
  EXPECT_EQ(lineage.out.find("changed since"), std::string::npos) << lineage.out;
  EXPECT_NE(lineage.err.find("matched by path only"), std::string::npos) << lineage.err;

  ProcessResult as_root = Fantrace(work.path(), {"query", "--db", db, "--json", "--wfile", "secret.txt"});
  Json by_root = ParseJson(as_root);
  ASSERT_EQ(by_root.size(), 1u) << as_root.out;
  EXPECT_EQ(by_root[0]["matches"][0]["match"], "content") << "root reads it: a content match";
  EXPECT_EQ(as_root.err.find("warning"), std::string::npos) << as_root.err;
}

}  // namespace
}  // namespace fantrace::itest
