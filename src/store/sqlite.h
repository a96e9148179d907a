// The SQLite store's connection (store/connection.h) over SQLite's C API:
// a connection that closes itself and statements that finalize
// themselves. Errors are values carrying sqlite3_errmsg.
// A Database and its Statements belong to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fantrace/result.h"
#include "store/connection.h"

struct sqlite3;

namespace fantrace::store {

class Database : public Connection {
 public:
  // Opens (creating if `create`) the database at `path`.
  static Result<Database> Open(const std::string& path, bool create);
  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept = default;

  Status Exec(std::string_view sql) override;
  Result<Statement> Prepare(std::string_view sql) override;
  // BEGIN IMMEDIATE: takes the write lock at once, so two writers queue on
  // busy_timeout instead of failing on a lock upgrade.
  Status BeginWrite() override { return Exec("BEGIN IMMEDIATE"); }
  const std::string& path() const override { return path_; }
  Dialect dialect() const override { return Dialect::kSqlite; }
  int64_t LastInsertId() const;
  sqlite3* handle() const { return db_.get(); }
  // "what failed: sqlite's message".
  Error ErrorOf(std::string_view what) const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  std::unique_ptr<sqlite3, Closer> db_;
  std::string path_;
};

}  // namespace fantrace::store
