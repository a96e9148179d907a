#include "store/schema.h"

#include <sqlite3.h>

#include <array>
#include <chrono>
#include <thread>

#include <fmt/format.h>

namespace fantrace::store {
namespace {

// Migration i takes the schema from version i to i+1. Never edit a
// migration that has shipped: add the next one.
constexpr std::array<const char*, kSchemaVersion> kMigrations{
    // 0 -> 1: the first schema.
    R"sql(
CREATE TABLE hash_schemes(
  id INTEGER PRIMARY KEY,
  algorithm TEXT NOT NULL,          -- 'xxh3-128'
  whole_max INTEGER NOT NULL,       -- files up to this size are hashed whole
  chunk_count INTEGER NOT NULL,     -- larger ones: this many evenly spread chunks
  chunk_size INTEGER NOT NULL,      -- of this many bytes, plus the size
  UNIQUE(algorithm, whole_max, chunk_count, chunk_size));
CREATE TABLE commands(
  id INTEGER PRIMARY KEY,
  argv TEXT NOT NULL,               -- JSON array of the arguments
  command_line TEXT NOT NULL,       -- argv joined by spaces, for matching
  cwd TEXT NOT NULL,
  user TEXT NOT NULL,
  uid INTEGER NOT NULL,
  hostname TEXT NOT NULL,
  start_ns INTEGER NOT NULL,        -- nanoseconds since the Unix epoch
  end_ns INTEGER NOT NULL,
  exit_status INTEGER NOT NULL,     -- as a shell's $?
  events INTEGER NOT NULL,
  lost INTEGER NOT NULL,            -- events the kernel could not deliver
  fantrace_version TEXT NOT NULL);
CREATE INDEX commands_start ON commands(start_ns);
CREATE TABLE blobs(
  hash TEXT PRIMARY KEY,
  size INTEGER NOT NULL,
  content BLOB NOT NULL);
CREATE TABLE files(
  id INTEGER PRIMARY KEY,
  command_id INTEGER NOT NULL REFERENCES commands(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK(role IN ('read', 'written', 'deleted', 'executed')),
  path TEXT NOT NULL,
  size INTEGER,
  mtime_ns INTEGER,
  dev INTEGER,
  ino INTEGER,
  hash TEXT,
  hash_scheme INTEGER REFERENCES hash_schemes(id),
  hash_state TEXT NOT NULL CHECK(hash_state IN
    ('verified', 'unverified', 'changed', 'missing', 'unreadable', 'none')),
  captured TEXT REFERENCES blobs(hash));
CREATE INDEX files_command ON files(command_id);
CREATE INDEX files_path ON files(path, role);
CREATE INDEX files_hash ON files(hash, size);
)sql",
    // 1 -> 2: a stable identity per command, so that `fantrace sync` can
    // tell which commands a central store has already; commands by host.
    R"sql(
ALTER TABLE commands ADD COLUMN uuid TEXT;
UPDATE commands SET uuid = lower(hex(randomblob(16))) WHERE uuid IS NULL;
CREATE UNIQUE INDEX commands_uuid ON commands(uuid);
CREATE INDEX commands_host ON commands(hostname, start_ns);
)sql",
};

Result<int> UserVersion(Database& db) {
  Result<Statement> st = db.Prepare("PRAGMA user_version");
  if (!st) return st.error();
  Result<bool> row = st->Step();
  if (!row) return row.error();
  return *row ? static_cast<int>(st->Int(0)) : 0;
}

// Switches to WAL (a no-op once the database is in WAL mode: it persists)
// and returns the journal mode now in force.
Result<std::string> JournalModeWal(Database& db) {
  Result<Statement> st = db.Prepare("PRAGMA journal_mode = WAL");
  if (!st) return st.error();
  Result<bool> row = st->Step();
  if (!row) return row.error();
  return *row ? st->Text(0) : std::string("unknown");
}

}  // namespace

// WAL mode, connection settings and the schema: what opening a store does
// after the file is open.
static Status SetUp(Database& db, const std::string& path) {
  Result<std::string> mode = JournalModeWal(db);
  if (!mode) return mode.error();
  if (*mode != "wal")
    return MakeError(fmt::format("the database {} cannot use write-ahead logging (journal mode {})", path, *mode));
  if (Status st = db.Exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON"); !st) return st.error();
  return Migrate(db);
}

int SchemaVersion() { return kSchemaVersion; }

Status Migrate(Database& db) {
  Result<int> seen = UserVersion(db);
  if (!seen) return seen.error();
  if (*seen == SchemaVersion()) return Ok{};
  Result<Transaction> tx = Transaction::Begin(db);
  if (!tx) return tx.error();
  Result<int> version = UserVersion(db);  // again, under the write lock
  if (!version) return version.error();
  if (*version > SchemaVersion())
    return MakeError(fmt::format("the database {} has schema version {}, newer than this fantrace "
                                 "knows ({}); use a newer fantrace",
                                 db.path(), *version, SchemaVersion()));
  for (int v = *version; v < SchemaVersion(); ++v) {
    if (Status st = db.Exec(kMigrations[v]); !st) return st.error();
    if (Status st = db.Exec(fmt::format("PRAGMA user_version = {}", v + 1)); !st) return st.error();
  }
  return tx->Commit();
}

Result<Database> OpenStore(const std::string& path, bool create) {
  Result<Database> db = Database::Open(path, create);
  if (!db) return db.error();
  sqlite3_busy_timeout(db->handle(), kBusyTimeoutMs);
  // WAL: readers never block the writer, and a killed writer leaves only
  // uncommitted frames that the next open ignores. synchronous=NORMAL is
  // safe against a crash of fantrace (not of the machine) in WAL mode.
  // Two fantraces opening a new database at once: switching it to WAL and
  // creating the schema can fail with SQLITE_BUSY without the busy handler
  // being asked (SQLite does so where waiting could deadlock, as in WAL
  // recovery). Both steps are idempotent: retry them, within the timeout.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (;;) {
    Status st = SetUp(*db, path);
    if (st) return std::move(*db);
    const int code = sqlite3_errcode(db->handle()) & 0xff;
    if ((code != SQLITE_BUSY && code != SQLITE_LOCKED) || std::chrono::steady_clock::now() > deadline)
      return st.error();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace fantrace::store
