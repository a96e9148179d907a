// The provenance database's schema, versioned in PRAGMA user_version and
// brought up to date by an ordered list of migrations, each applied in its
// own transaction (docs/provenance.md describes the tables). OpenStore is
// the one way in: it sets the connection up (WAL, busy timeout, foreign
// keys) and migrates. Two processes opening a new database at once are
// safe: the migration re-reads the version under the write lock.
#pragma once

#include <string>

#include "fantrace/result.h"
#include "store/sqlite.h"

namespace fantrace::store {

// The version this fantrace writes; a database from a newer fantrace is
// refused rather than misread.
int SchemaVersion();
// Both stores (and store/postgres_schema.cc) have this many migrations.
inline constexpr int kSchemaVersion = 2;

// How long a writer waits for another one's transaction to end.
inline constexpr int kBusyTimeoutMs = 30'000;

// Opens (creating when `create`) and migrates the database at `path`.
Result<Database> OpenStore(const std::string& path, bool create);

// Applies the migrations missing from `db`.
Status Migrate(Database& db);

}  // namespace fantrace::store
