#include "store/sqlite.h"

#include <sqlite3.h>

#include <cstring>

#include <fmt/format.h>

namespace fantrace::store {

namespace {

// A prepared SQLite statement; `db` outlives it.
class SqliteCursor : public Cursor {
 public:
  SqliteCursor(sqlite3_stmt* stmt, const Database* db) : stmt_(stmt), db_(db) {}
  void Bind(int index, int64_t value) override;
  void Bind(int index, std::string_view text) override;
  void BindBlob(int index, std::string_view bytes) override;
  void BindNull(int index) override;
  Result<bool> Step() override;
  void Reset() override;
  bool IsNull(int column) const override;
  int64_t Int(int column) const override;
  std::string Text(int column) const override;

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  void Check(int rc) {
    if (rc != SQLITE_OK) bind_error_ = rc;
  }
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  const Database* db_;
  int bind_error_ = 0;
};

}  // namespace

void Database::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

Result<Database> Database::Open(const std::string& path, bool create) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Database db(raw, path);
  if (rc != SQLITE_OK) {
    std::string message = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    // "unable to open database file" alone does not say why.
    if (int err = raw ? sqlite3_system_errno(raw) : 0; err != 0) message += fmt::format(" ({})", strerror(err));
    return MakeError(fmt::format("cannot open the database {}: {}", path, message));
  }
  sqlite3_extended_result_codes(raw, 1);
  return db;
}

Error Database::ErrorOf(std::string_view what) const {
  return MakeError(fmt::format("{} in {}: {}", what, path_, sqlite3_errmsg(db_.get())));
}

Status Database::Exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string error = message ? message : "unknown error";
    sqlite3_free(message);
    return MakeError(fmt::format("database {}: {} (running: {})", path_, error, text.substr(0, 60)));
  }
  return Ok{};
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK)
    return ErrorOf("preparing a query failed");
  return Statement(std::make_unique<SqliteCursor>(stmt, this));
}

int64_t Database::LastInsertId() const { return sqlite3_last_insert_rowid(db_.get()); }

void SqliteCursor::Bind(int index, int64_t value) { Check(sqlite3_bind_int64(stmt_.get(), index, value)); }

void SqliteCursor::Bind(int index, std::string_view text) {
  Check(sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

void SqliteCursor::BindBlob(int index, std::string_view bytes) {
  Check(sqlite3_bind_blob64(stmt_.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
}

void SqliteCursor::BindNull(int index) { Check(sqlite3_bind_null(stmt_.get(), index)); }

Result<bool> SqliteCursor::Step() {
  if (bind_error_ != 0)
    return MakeError(fmt::format("binding a query parameter failed in {}: {}", db_->path(),
                                 sqlite3_errstr(bind_error_)));
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->ErrorOf("a database statement failed");
}

void SqliteCursor::Reset() {
  // sqlite3_reset repeats the last Step's error, which Step already returned.
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
  bind_error_ = 0;
}

bool SqliteCursor::IsNull(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }

int64_t SqliteCursor::Int(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

std::string SqliteCursor::Text(int column) const {
  const void* data = sqlite3_column_blob(stmt_.get(), column);
  int size = sqlite3_column_bytes(stmt_.get(), column);
  return data ? std::string(static_cast<const char*>(data), static_cast<size_t>(size)) : std::string();
}

}  // namespace fantrace::store
