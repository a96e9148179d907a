#include "store/postgres_schema.h"

#include <array>

#include <fmt/format.h>

#include "store/schema.h"

namespace fantrace::store {
namespace {

// Migration i takes the schema from version i to i+1, as SQLite's
// migration i does. Never edit a migration that has shipped.
constexpr std::array<const char*, kSchemaVersion> kPgMigrations{
    // 0 -> 1: the first schema.
    R"sql(
CREATE TABLE hash_schemes(
  id BIGSERIAL PRIMARY KEY,
  algorithm TEXT NOT NULL,
  whole_max BIGINT NOT NULL,
  chunk_count BIGINT NOT NULL,
  chunk_size BIGINT NOT NULL,
  UNIQUE(algorithm, whole_max, chunk_count, chunk_size));
CREATE TABLE commands(
  id BIGSERIAL PRIMARY KEY,
  argv TEXT NOT NULL,
  command_line TEXT NOT NULL,
  cwd TEXT NOT NULL,
  "user" TEXT NOT NULL,
  uid BIGINT NOT NULL,
  hostname TEXT NOT NULL,
  start_ns BIGINT NOT NULL,
  end_ns BIGINT NOT NULL,
  exit_status INTEGER NOT NULL,
  events BIGINT NOT NULL,
  lost BIGINT NOT NULL,
  fantrace_version TEXT NOT NULL);
CREATE INDEX commands_start ON commands(start_ns);
CREATE TABLE blobs(
  hash TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  content BYTEA NOT NULL);
CREATE TABLE files(
  id BIGSERIAL PRIMARY KEY,
  command_id BIGINT NOT NULL REFERENCES commands(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK(role IN ('read', 'written', 'deleted', 'executed')),
  path TEXT NOT NULL,
  size BIGINT,
  mtime_ns BIGINT,
  dev BIGINT,
  ino BIGINT,
  hash TEXT,
  hash_scheme BIGINT REFERENCES hash_schemes(id),
  hash_state TEXT NOT NULL CHECK(hash_state IN
    ('verified', 'unverified', 'changed', 'missing', 'unreadable', 'none')),
  captured TEXT REFERENCES blobs(hash));
CREATE INDEX files_command ON files(command_id);
CREATE INDEX files_path ON files(path, role);
CREATE INDEX files_hash ON files(hash, size);
)sql",
    // 1 -> 2: a stable identity per command (for sync), commands by host,
    // and the database role that stored each one (for row-level security,
    // docs/provenance.md).
    R"sql(
ALTER TABLE commands ADD COLUMN uuid TEXT;
UPDATE commands SET uuid = replace(gen_random_uuid()::text, '-', '') WHERE uuid IS NULL;
CREATE UNIQUE INDEX commands_uuid ON commands(uuid);
CREATE INDEX commands_host ON commands(hostname, start_ns);
ALTER TABLE commands ADD COLUMN db_role TEXT NOT NULL DEFAULT current_user;
)sql",
};

// An arbitrary constant: fantrace's advisory lock ("fant").
constexpr int64_t kMigrationLock = 0x66616e74;

}  // namespace

Result<int> PgSchemaVersion(PgDatabase& db) {
  Result<int64_t> exists = QueryInt(db, "SELECT CASE WHEN to_regclass('fantrace_schema') IS NULL THEN 0 ELSE 1 END");
  if (!exists) return exists.error();
  if (*exists == 0) return 0;
  Result<int64_t> version = QueryInt(db, "SELECT coalesce(max(version), 0) FROM fantrace_schema");
  if (!version) return version.error();
  return static_cast<int>(*version);
}

Status MigratePg(PgDatabase& db) {
  Result<int> seen = PgSchemaVersion(db);
  if (!seen) return seen.error();
  if (*seen == SchemaVersion()) return Ok{};
  if (*seen > SchemaVersion())
    return MakeError(fmt::format("the database {} has schema version {}, newer than this fantrace knows ({}); "
                                 "use a newer fantrace",
                                 db.path(), *seen, SchemaVersion()));
  Result<Transaction> tx = Transaction::Begin(db);
  if (!tx) return tx.error();
  if (Status st = db.Exec(fmt::format("SELECT pg_advisory_xact_lock({})", kMigrationLock)); !st) return st;
  if (Status st = db.Exec("CREATE TABLE IF NOT EXISTS fantrace_schema(version INTEGER NOT NULL)"); !st) return st;
  Result<int> version = PgSchemaVersion(db);  // again, under the lock
  if (!version) return version.error();
  for (int v = *version; v < SchemaVersion(); ++v) {
    if (Status st = db.Exec(kPgMigrations[v]); !st) return st;
  }
  if (*version < SchemaVersion()) {
    if (Status st = db.Exec(fmt::format("DELETE FROM fantrace_schema; INSERT INTO fantrace_schema VALUES({})",
                                        SchemaVersion()));
        !st)
      return st;
  }
  return tx->Commit();
}

Result<PgDatabase> OpenPgStore(const std::string& uri) {
  Result<PgDatabase> db = PgDatabase::Connect(uri);
  if (!db) return db.error();
  if (Status st = MigratePg(*db); !st) return st.error();
  return std::move(*db);
}

}  // namespace fantrace::store
