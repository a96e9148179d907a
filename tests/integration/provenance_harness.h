// Shared by the provenance integration tests: fantrace run in a chosen
// directory, JSON helpers, the two stores the tests run against (an SQLite
// file, a database of the test PostgreSQL server), each store's own check
// of its consistency, and a recorded three-step pipeline (generate -> sort
// -> copy elsewhere).
// Not thread-safe; each test owns its objects.
#pragma once

#include <sqlite3.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "harness.h"
#include "pg_server.h"

namespace fantrace::itest {

// `fantrace ARGS...` run in `cwd`.
inline ProcessResult Fantrace(const std::string& cwd, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"env", "-C", cwd, FANTRACE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunUntraced(argv);
}

inline Json ParseJson(const ProcessResult& r) {
  Json j = Json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "not JSON: " << r.out << r.err;
  return j;
}

// The ids of the commands in a JSON array, in order.
inline std::vector<int64_t> Ids(const Json& commands) {
  std::vector<int64_t> ids;
  if (commands.is_array())
    for (const Json& c : commands) ids.push_back(c.value("id", int64_t{-1}));
  return ids;
}

// The stores the provenance tests run against, with the same expectations.
enum class StoreKind { kSqlite, kPostgres };

inline std::string StoreName(const ::testing::TestParamInfo<StoreKind>& info) {
  return info.param == StoreKind::kSqlite ? "SQLite" : "PostgreSQL";
}

// A new, empty store of `kind`: a file in `dir`, or a fresh database of
// the test server (its URI); "" (and a test failure) if there is none.
inline std::string NewStore(StoreKind kind, const TempDir& dir, const std::string& name = "p.db") {
  if (kind == StoreKind::kSqlite) return dir / name;
  PgServer* server = PgServer::Shared();
  return server ? server->NewDatabase() : "";
}

// The first column of the first row of `sql` on the store at `location`,
// as text; "(error: ...)" if it fails.
inline std::string StoreScalar(const std::string& location, const std::string& sql) {
  if (location.starts_with("postgresql://")) {
    PgServer* server = PgServer::Shared();
    return server ? server->Sql(PgDatabaseName(location), sql) : "(error: no server)";
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(location.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    std::string error = "(error: cannot open " + location + ")";
    sqlite3_close(db);
    return error;
  }
  sqlite3_stmt* st = nullptr;
  std::string value = "(error: " + sql + ")";
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    value = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return value;
}

// The store's own verdict on its consistency ("ok"), and how many commands
// it holds. SQLite: PRAGMA integrity_check. PostgreSQL checks its pages
// itself; "ok" there means no file row lacks its command.
struct DbCheck {
  std::string integrity;
  int64_t commands = -1;
};

inline DbCheck CheckDatabase(const std::string& location) {
  DbCheck check;
  check.integrity =
      location.starts_with("postgresql://")
          ? StoreScalar(location,
                        "SELECT CASE count(*) WHEN 0 THEN 'ok' ELSE 'file rows without their command' END FROM files f "
                        "LEFT JOIN commands c ON c.id = f.command_id WHERE c.id IS NULL")
          : StoreScalar(location, "PRAGMA integrity_check");
  std::string count = StoreScalar(location, "SELECT count(*) FROM commands WHERE id > 0 AND argv IS NOT NULL");
  EXPECT_FALSE(count.starts_with("(error")) << count;
  if (!count.starts_with("(error")) check.commands = std::stoll(count);
  return check;
}

// generate -> data.csv; sort -> sorted.csv; cp -> elsewhere/copy.csv, each
// recorded as one command.
struct Pipeline {
  TempDir work;
  TempDir elsewhere;
  std::string db;
  std::string script = work / "gen.sh";
  int64_t gen_id = 0, sort_id = 0, cp_id = 0;

  explicit Pipeline(StoreKind kind = StoreKind::kSqlite) : db(NewStore(kind, work, "provenance.db")) {
    WriteFile(script,
              "#!/bin/sh\n# makes the raw data\nfor n in 5 3 9 1 7; do echo \"row$n,$n\"; done > data.csv\n");
    chmod(script.c_str(), 0755);
    gen_id = Record({"./gen.sh"});
    sort_id = Record({"sort", "-t,", "-k2", "-n", "-o", "sorted.csv", "data.csv"});
    cp_id = Record({"cp", "sorted.csv", elsewhere / "copy.csv"});
  }

  // Records `command` in the work directory; returns its id.
  int64_t Record(const std::vector<std::string>& command) {
    std::vector<std::string> args{"record", "--db", db, "--"};
    args.insert(args.end(), command.begin(), command.end());
    ProcessResult r = Fantrace(work.path(), args);
    EXPECT_EQ(r.status, 0) << r.err;
    size_t at = r.err.find("recorded as command #");
    EXPECT_NE(at, std::string::npos) << r.err;
    return at == std::string::npos ? 0 : std::stoll(r.err.substr(at + 21));
  }

  ProcessResult Run(const std::vector<std::string>& args) {
    std::vector<std::string> full = args;
    full.insert(full.begin() + 1, {"--db", db});
    return Fantrace(work.path(), full);
  }
};

}  // namespace fantrace::itest
