// A thin RAII layer over SQLite's C API: a connection that closes itself, a
// prepared statement that finalizes itself, and a transaction that rolls
// back unless committed. Errors are values carrying sqlite3_errmsg.
// A Database and its Statements belong to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fantrace/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace fantrace::store {

class Statement;

class Database {
 public:
  // Opens (creating if `create`) the database at `path`.
  static Result<Database> Open(const std::string& path, bool create);
  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept = default;

  // Runs one or more statements without results.
  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  int64_t LastInsertId() const;
  const std::string& path() const { return path_; }
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

class Statement {
 public:
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;

  // Binds are 1-based, as in SQLite.
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // True while a row is available; false when done. Errors as values.
  Result<bool> Step();
  // Step() until done, for statements without rows.
  Status Run();
  // Makes the statement ready to bind and run again (bindings cleared).
  void Reset();

  bool IsNull(int column) const;
  int64_t Int(int column) const;
  std::string Text(int column) const;  // "" for NULL; blobs as bytes

 private:
  friend class Database;
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const;
  };
  Statement(sqlite3_stmt* stmt, const Database* db) : stmt_(stmt), db_(db) {}
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  const Database* db_;
  int bind_error_ = 0;
};

// BEGIN IMMEDIATE ... COMMIT: takes the write lock at once, so two writers
// queue on busy_timeout instead of failing on a lock upgrade. Rolls back
// when destroyed uncommitted.
class Transaction {
 public:
  static Result<Transaction> Begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace fantrace::store
