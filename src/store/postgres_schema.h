// The PostgreSQL store's schema: the same tables and the same version
// numbers as SQLite's (store/schema.h), in PostgreSQL's types, versioned in
// the one-row table fantrace_schema. Migrations run under a transaction-
// scoped advisory lock, so many hosts opening a new central store at once
// create it once. A store already up to date is not locked at all, so a
// role that may only insert and read can record into it.
#pragma once

#include <string>

#include "fantrace/result.h"
#include "store/postgres.h"

namespace fantrace::store {

// Connects to `uri` and migrates the store.
Result<PgDatabase> OpenPgStore(const std::string& uri);

Status MigratePg(PgDatabase& db);

// The store's schema version (0 for an empty database).
Result<int> PgSchemaVersion(PgDatabase& db);

}  // namespace fantrace::store
