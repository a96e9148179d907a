#include "store/connection.h"

namespace fantrace::store {

Status Statement::Run() {
  while (true) {
    Result<bool> row = Step();
    if (!row) return row.error();
    if (!*row) return Ok{};
  }
}

Result<Transaction> Transaction::Begin(Connection& db) {
  if (Status st = db.BeginWrite(); !st) return st.error();
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_) (void)db_->Exec("ROLLBACK");
}

Status Transaction::Commit() {
  Status st = db_->Exec("COMMIT");
  if (st) db_ = nullptr;
  return st;
}

Result<int64_t> QueryInt(Connection& db, std::string_view sql) {
  Result<Statement> st = db.Prepare(sql);
  if (!st) return st.error();
  Result<bool> row = st->Step();
  if (!row) return row.error();
  if (!*row) return MakeError("a query that returns one row returned none: " + std::string(sql.substr(0, 60)));
  return st->Int(0);
}

}  // namespace fantrace::store
