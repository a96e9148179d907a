// Shared by the provenance integration tests: fantrace run in a chosen
// directory, JSON helpers, SQLite's own check of a database file, and a
// recorded three-step pipeline (generate -> sort -> copy elsewhere).
// Not thread-safe; each test owns its objects.
#pragma once

#include <sqlite3.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "harness.h"

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

// SQLite's own verdict on the database file, and how many commands it holds.
struct DbCheck {
  std::string integrity;
  int64_t commands = -1;
};

inline DbCheck CheckDatabase(const std::string& path) {
  DbCheck check;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << path << ": " << (db ? sqlite3_errmsg(db) : "?");
    sqlite3_close(db);
    return check;
  }
  auto scalar = [&](const char* sql) -> std::string {
    sqlite3_stmt* st = nullptr;
    std::string value = "(error)";
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      value = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return value;
  };
  check.integrity = scalar("PRAGMA integrity_check");
  check.commands = std::stoll(scalar("SELECT count(*) FROM commands WHERE id > 0 AND argv IS NOT NULL"));
  sqlite3_close(db);
  return check;
}

// generate -> data.csv; sort -> sorted.csv; cp -> elsewhere/copy.csv, each
// recorded as one command.
struct Pipeline {
  TempDir work;
  TempDir elsewhere;
  std::string db = work / "provenance.db";
  std::string script = work / "gen.sh";
  int64_t gen_id = 0, sort_id = 0, cp_id = 0;

  Pipeline() {
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
