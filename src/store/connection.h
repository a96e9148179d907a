// The one seam between the provenance queries and the database they run
// on: a Connection prepares Statements, and both stores (SQLite in
// store/sqlite.h, PostgreSQL in store/postgres.h) implement it, so every
// query, the writer and the lineage are written once. SQL is written in
// the dialect both accept (`?` and `?N` parameters, ON CONFLICT DO NOTHING,
// RETURNING); the few places where they differ ask dialect(). A Connection
// and its Statements belong to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fantrace/result.h"

namespace fantrace::store {

enum class Dialect { kSqlite, kPostgres };

// One backend's prepared statement. Binds are 1-based.
class Cursor {
 public:
  virtual ~Cursor() = default;
  virtual void Bind(int index, int64_t value) = 0;
  virtual void Bind(int index, std::string_view text) = 0;
  virtual void BindBlob(int index, std::string_view bytes) = 0;
  virtual void BindNull(int index) = 0;
  virtual Result<bool> Step() = 0;
  virtual void Reset() = 0;
  virtual bool IsNull(int column) const = 0;
  virtual int64_t Int(int column) const = 0;
  virtual std::string Text(int column) const = 0;
};

// A prepared statement of either store: binds chain, Step walks the rows.
class Statement {
 public:
  explicit Statement(std::unique_ptr<Cursor> cursor) : cursor_(std::move(cursor)) {}
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;

  Statement& Bind(int index, int64_t value) { return cursor_->Bind(index, value), *this; }
  Statement& Bind(int index, std::string_view text) { return cursor_->Bind(index, text), *this; }
  Statement& BindBlob(int index, std::string_view bytes) { return cursor_->BindBlob(index, bytes), *this; }
  Statement& BindNull(int index) { return cursor_->BindNull(index), *this; }
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // True while a row is available; false when done. Errors as values.
  Result<bool> Step() { return cursor_->Step(); }
  // Step() until done, for statements without rows.
  Status Run();
  // Makes the statement ready to bind and run again (bindings cleared).
  void Reset() { cursor_->Reset(); }

  bool IsNull(int column) const { return cursor_->IsNull(column); }
  int64_t Int(int column) const { return cursor_->Int(column); }
  std::string Text(int column) const { return cursor_->Text(column); }  // "" for NULL; blobs as bytes

 private:
  std::unique_ptr<Cursor> cursor_;
};

class Connection {
 public:
  virtual ~Connection() = default;
  // Runs one or more statements without results.
  virtual Status Exec(std::string_view sql) = 0;
  virtual Result<Statement> Prepare(std::string_view sql) = 0;
  // Opens a write transaction (SQLite takes the write lock at once).
  virtual Status BeginWrite() = 0;
  // Where the store is, fit for messages: a path, or a URI without its
  // password.
  virtual const std::string& path() const = 0;
  virtual Dialect dialect() const = 0;
};

// BeginWrite ... COMMIT; rolls back when destroyed uncommitted.
class Transaction {
 public:
  static Result<Transaction> Begin(Connection& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status Commit();

 private:
  explicit Transaction(Connection* db) : db_(db) {}
  Connection* db_;
};

// One row's first column as a number, from a query that returns one row.
Result<int64_t> QueryInt(Connection& db, std::string_view sql);

}  // namespace fantrace::store
