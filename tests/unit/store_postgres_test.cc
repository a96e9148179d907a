// The pieces of the PostgreSQL store that need no server: parameter
// numbering, keeping passwords out of messages and argv, the configuration
// file, --command globs as regular expressions. The store itself is tested
// against a real server in tests/integration (provenance*.cc).
#include <gtest/gtest.h>

#include <string>

#include "cli/argv_secrets.h"
#include "store/db_config.h"
#include "store/postgres.h"
#include "store/queries.h"

namespace fantrace::store {
namespace {

TEST(Postgres, ParametersAreNumberedOutsideQuotes) {
  EXPECT_EQ(NumberParameters("SELECT a FROM t WHERE b = ? AND c = ?"), "SELECT a FROM t WHERE b = $1 AND c = $2");
  EXPECT_EQ(NumberParameters("x = ?1 OR y = ?1 || '?' AND z = ?12"), "x = $1 OR y = $1 || '?' AND z = $12");
  EXPECT_EQ(NumberParameters("SELECT \"a?\" FROM t WHERE v = ?"), "SELECT \"a?\" FROM t WHERE v = $1");
}

TEST(Postgres, UrisLoseTheirPasswordInMessages) {
  EXPECT_EQ(RedactUri("postgresql://alice:s3cret@db.example.org:5432/prov"), "postgresql://alice@db.example.org:5432/prov");
  EXPECT_EQ(RedactUri("postgresql://db/prov?user=bob&password=s3cret&sslmode=require"),
            "postgresql://db/prov?user=bob&sslmode=require");
  EXPECT_EQ(RedactUri("postgresql:///prov?host=/run/postgresql"), "postgresql:///prov?host=/run/postgresql");
  EXPECT_TRUE(UriHasPassword("postgresql://alice:s3cret@db/prov"));
  EXPECT_TRUE(UriHasPassword("postgres://db/prov?password=x"));
  EXPECT_FALSE(UriHasPassword("postgresql://alice@db/prov"));
  std::string message = ScrubPassword("failed for postgresql://alice:s3cret@db/prov: s3cret rejected",
                                      "postgresql://alice:s3cret@db/prov");
  EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
  EXPECT_NE(message.find("postgresql://alice@db/prov"), std::string::npos) << message;
}

TEST(Postgres, ArgvPasswordsAreMaskedInPlace) {
  EXPECT_EQ(cli::MaskUriPassword("postgresql://alice:s3cret@db/prov"), "postgresql://alice:******@db/prov");
  EXPECT_EQ(cli::MaskUriPassword("--db=postgres://db/prov?password=pw&user=a"), "--db=postgres://db/prov?password=**&user=a");
  EXPECT_EQ(cli::MaskUriPassword("/home/alice/p.db"), "/home/alice/p.db");
  std::string a0 = "fantrace", a1 = "query", a2 = "--db", a3 = "postgresql://u:pw@h/d", a4 = "--", a5 = "postgresql://u:pw@h/d";
  char* argv[] = {a0.data(), a1.data(), a2.data(), a3.data(), a4.data(), a5.data(), nullptr};
  EXPECT_EQ(cli::HideUriPasswords(6, argv), 1);
  EXPECT_STREQ(argv[3], "postgresql://u:**@h/d");
  EXPECT_STREQ(argv[5], "postgresql://u:pw@h/d") << "the traced command's arguments are its own";
}

TEST(Postgres, ConfigurationFileNamesTheStore) {
  EXPECT_EQ(DbFromConfigText("# mine\n\n  db = postgresql://prov/db  \nother = 1\n"), "postgresql://prov/db");
  EXPECT_EQ(DbFromConfigText("dbx = 1\n# db = no\n"), std::nullopt);
  EXPECT_EQ(DbFromConfigText("db=/data/p.db"), "/data/p.db");
}

TEST(Postgres, CommandGlobsBecomeAnchoredRegularExpressions) {
  EXPECT_EQ(GlobToRegex("make *"), "^make .*$");
  EXPECT_EQ(GlobToRegex("a?.c[0-9]"), "^a.\\.c[0-9]$");
  EXPECT_EQ(GlobToRegex("x[^ab]+(y)"), "^x[^ab]\\+\\(y\\)$");
}

}  // namespace
}  // namespace fantrace::store
