// Opens whichever store a location names: a postgresql:// URI is the
// central PostgreSQL store (store/postgres.h), anything else the path of
// an SQLite database (store/schema.h). Either is migrated on opening.
#pragma once

#include <memory>
#include <string>

#include "fantrace/result.h"
#include "store/connection.h"

namespace fantrace::store {

// `create` applies to SQLite files only: a PostgreSQL database is created
// by its administrator, its tables by the first fantrace that connects.
Result<std::unique_ptr<Connection>> OpenAnyStore(const std::string& location, bool create);

}  // namespace fantrace::store
