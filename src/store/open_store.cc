#include "store/open_store.h"

#include "store/postgres.h"
#include "store/postgres_schema.h"
#include "store/schema.h"

namespace fantrace::store {

Result<std::unique_ptr<Connection>> OpenAnyStore(const std::string& location, bool create) {
  if (IsPostgresUri(location)) {
    Result<PgDatabase> db = OpenPgStore(location);
    if (!db) return db.error();
    return std::unique_ptr<Connection>(std::make_unique<PgDatabase>(std::move(*db)));
  }
  Result<Database> db = OpenStore(location, create);
  if (!db) return db.error();
  return std::unique_ptr<Connection>(std::make_unique<Database>(std::move(*db)));
}

}  // namespace fantrace::store
