#include <gtest/gtest.h>

#include <string>

#include "store/schema.h"
#include "store_test_util.h"

namespace fantrace::store {
namespace {

using testing::ScratchDir;

int64_t Scalar(Database& db, const std::string& sql) {
  Result<Statement> st = db.Prepare(sql);
  EXPECT_TRUE(st) << st.error().message;
  if (!st) return -1;
  Result<bool> row = st->Step();
  EXPECT_TRUE(row && *row) << sql;
  return row && *row ? st->Int(0) : -1;
}

std::string Text(Database& db, const std::string& sql) {
  Result<Statement> st = db.Prepare(sql);
  if (!st) return "";
  Result<bool> row = st->Step();
  return row && *row ? st->Text(0) : "";
}

TEST(Schema, NewDatabaseIsMigratedToTheCurrentVersionInWalMode) {
  ScratchDir dir;
  Result<Database> db = OpenStore(dir / "p.db", true);
  ASSERT_TRUE(db) << db.error().message;
  EXPECT_EQ(Scalar(*db, "PRAGMA user_version"), SchemaVersion());
  EXPECT_EQ(Text(*db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(Scalar(*db, "PRAGMA foreign_keys"), 1);
  for (const char* table : {"commands", "files", "blobs", "hash_schemes"})
    EXPECT_EQ(Scalar(*db, std::string("SELECT count(*) FROM sqlite_master WHERE name='") + table + "'"), 1)
        << table;
}

TEST(Schema, ReopeningKeepsDataAndVersion) {
  ScratchDir dir;
  {
    Result<Database> db = OpenStore(dir / "p.db", true);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->Exec("INSERT INTO blobs(hash, size, content) VALUES('h', 1, x'41')"));
  }
  Result<Database> again = OpenStore(dir / "p.db", false);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(Scalar(*again, "SELECT count(*) FROM blobs"), 1);
  EXPECT_EQ(Scalar(*again, "PRAGMA user_version"), SchemaVersion());
}

TEST(Schema, DatabaseFromANewerFantraceIsRefused) {
  ScratchDir dir;
  {
    Result<Database> db = OpenStore(dir / "p.db", true);
    ASSERT_TRUE(db);
    ASSERT_TRUE(db->Exec("PRAGMA user_version = " + std::to_string(SchemaVersion() + 1)));
  }
  Result<Database> db = OpenStore(dir / "p.db", false);
  ASSERT_FALSE(db);
  EXPECT_NE(db.error().message.find("newer"), std::string::npos) << db.error().message;
}

TEST(Schema, MissingDatabaseIsNotCreatedWhenNotAsked) {
  ScratchDir dir;
  Result<Database> db = OpenStore(dir / "absent.db", false);
  ASSERT_FALSE(db);
  EXPECT_NE(db.error().message.find("absent.db"), std::string::npos);
}

TEST(Schema, RolesAndHashStatesAreChecked) {
  ScratchDir dir;
  Result<Database> db = OpenStore(dir / "p.db", true);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Exec("INSERT INTO commands(argv, command_line, cwd, user, uid, hostname, start_ns, end_ns, "
                       "exit_status, events, lost, fantrace_version) VALUES('[]','','/', 'u', 0, 'h', 0, 0, 0, 0, 0, 'v')"));
  EXPECT_FALSE(db->Exec("INSERT INTO files(command_id, role, path, hash_state) VALUES(1, 'eaten', '/x', 'none')"));
  EXPECT_FALSE(db->Exec("INSERT INTO files(command_id, role, path, hash_state) VALUES(1, 'read', '/x', 'odd')"));
  EXPECT_FALSE(db->Exec("INSERT INTO files(command_id, role, path, hash_state) VALUES(99, 'read', '/x', 'none')"))
      << "foreign keys are enforced";
  EXPECT_TRUE(db->Exec("INSERT INTO files(command_id, role, path, hash_state) VALUES(1, 'read', '/x', 'none')"));
}

}  // namespace
}  // namespace fantrace::store
