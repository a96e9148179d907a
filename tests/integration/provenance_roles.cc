// The central store's roles and row-level security, exactly as
// docs/provenance.md tells an administrator to set them up: the SQL is
// read from the document's "Setting it up" and "Users see only their own
// commands" sections and run against the test server (pg_server.h), then
// ordinary database roles record and read. Users see their own commands
// only, unless granted: a reader group sees everyone's, and one user's
// commands can be shared with another.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>

#include "harness.h"
#include "provenance_harness.h"

namespace fantrace::itest {
namespace {

std::string ReadDoc() {
  std::ifstream in(std::string(FANTRACE_SOURCE_DIR) + "/docs/provenance.md");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The first ```FENCE block after the heading `heading`, or "".
std::string BlockAfter(const std::string& doc, const std::string& heading, const std::string& fence) {
  size_t at = doc.find(heading);
  if (at == std::string::npos) return "";
  size_t open = doc.find("```" + fence + "\n", at);
  if (open == std::string::npos) return "";
  open += fence.size() + 4;
  size_t close = doc.find("```", open);
  return close == std::string::npos ? "" : doc.substr(open, close - open);
}

// The administrator's SQL of the set-up: the psql here-document of the
// "Setting it up" shell block, without its CREATE DATABASE (the test has
// its own database).
std::string SetupSql(const std::string& doc) {
  std::string sh = BlockAfter(doc, "### Setting it up with Debian's postgresql", "sh");
  size_t from = sh.find("<<'SQL'\n"), to = sh.find("\nSQL\n");
  if (from == std::string::npos || to == std::string::npos) return "";
  std::string sql = sh.substr(from + 8, to - from - 8);
  return std::regex_replace(sql, std::regex("CREATE DATABASE[^\n]*\n"), "");
}

class CentralStoreRoles : public ::testing::Test {
 protected:
  void SetUp() override {
    FANTRACE_REQUIRE_ROOT();
    server_ = PgServer::Shared();
    ASSERT_NE(server_, nullptr);
    uri_ = server_->NewDatabase();
    db_ = PgDatabaseName(uri_);
  }
  // The store's URI as database role `role` (the test server trusts its
  // socket, as peer authentication would a local user).
  std::string As(const std::string& role) const {
    return std::regex_replace(uri_, std::regex("user=postgres"), "user=" + role);
  }
  std::string Sql(const std::string& sql) const { return server_->Sql(db_, sql); }
  // The command lines `role` sees, in history order.
  std::vector<std::string> Seen(const std::string& role) const {
    ProcessResult r = Fantrace("/", {"history", "--db", As(role), "-n", "0", "--json"});
    EXPECT_EQ(r.status, 0) << role << ": " << r.err;
    std::vector<std::string> lines;
    if (r.status != 0) return lines;
    for (const Json& c : ParseJson(r)) lines.push_back(c["argv"][2]);
    std::sort(lines.begin(), lines.end());
    return lines;
  }
  PgServer* server_ = nullptr;
  std::string uri_, db_;
};

TEST_F(CentralStoreRoles, UsersSeeOnlyTheirOwnCommandsUnlessGranted) {
  const std::string doc = ReadDoc();
  std::string setup = SetupSql(doc);
  std::string security = BlockAfter(doc, "### Users see only their own commands", "sql");
  ASSERT_FALSE(setup.empty()) << "docs/provenance.md has no set-up SQL where this test looks";
  ASSERT_FALSE(security.empty()) << "docs/provenance.md has no row-level security SQL where this test looks";
  // Roles are the server's, shared by the databases of this test process.
  ASSERT_EQ(Sql(setup).find("(error"), std::string::npos) << Sql(setup);
  // The tables come from the first connection, the administrator's.
  ProcessResult created = Fantrace("/", {"history", "--db", uri_});
  ASSERT_EQ(created.status, 0) << created.err;
  security = std::regex_replace(security, std::regex("DATABASE fantrace "), "DATABASE " + db_ + " ");
  std::string applied = Sql(security);
  ASSERT_EQ(applied.find("(error"), std::string::npos) << applied;

  TempDir work;
  for (const char* who : {"alice", "bob", "carol"}) {
    ProcessResult r = Fantrace(work.path(), {"record", "--db", As(who), "--", "sh", "-c",
                                             std::string("echo ") + who + " > " + who + ".txt"});
    ASSERT_EQ(r.status, 0) << who << ": " << r.err;
  }
  const std::string alice = "echo alice > alice.txt", bob = "echo bob > bob.txt", carol = "echo carol > carol.txt";
  EXPECT_EQ(Seen("alice"), (std::vector<std::string>{alice})) << "her own only";
  EXPECT_EQ(Seen("bob"), (std::vector<std::string>{alice, bob})) << "his own, and alice's shared with him";
  EXPECT_EQ(Seen("carol"), (std::vector<std::string>{alice, bob, carol})) << "a member of fantrace_readers";

  // A file row is visible through its command only.
  ProcessResult hidden = Fantrace(work.path(), {"query", "--db", As("alice"), "--json", "--wfile", "bob.txt"});
  ASSERT_EQ(hidden.status == 0 || hidden.status == 1, true) << hidden.err;
  if (hidden.status == 0) {
    EXPECT_EQ(ParseJson(hidden).size(), 0u) << hidden.out;
  }
  ProcessResult shown = Fantrace(work.path(), {"query", "--db", As("bob"), "--json", "--wfile", "alice.txt"});
  ASSERT_EQ(shown.status, 0) << shown.err;
  EXPECT_EQ(ParseJson(shown).size(), 1u) << shown.out;

  // Nobody changes or forges another's rows.
  EXPECT_NE(server_->Sql(db_, "SET ROLE alice; DELETE FROM commands").find("(error"), std::string::npos);
  EXPECT_NE(server_->Sql(db_, "SET ROLE bob; UPDATE commands SET db_role = 'bob' WHERE db_role = 'alice'")
                .find("(error"),
            std::string::npos);
}

}  // namespace
}  // namespace fantrace::itest
