// Questions asked of the provenance database: commands by filter (pattern,
// directory, time, exit status), one command with its files, the commands
// that wrote or read a file (by content first, then by path), and captured
// contents by hash or path. Read-only; safe while another process records.
// Each takes either store (store/connection.h): a store::Database (SQLite)
// or a store::PgDatabase.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fantrace/result.h"
#include "store/command_record.h"
#include "store/connection.h"

namespace fantrace::store {

struct CommandFilter {
  // Matched against the command line (argv joined by spaces): a glob
  // (*, ?, [...]) if it has glob characters, else a substring.
  std::optional<std::string> command;
  std::optional<std::string> cwd;  // this directory or below
  std::optional<std::string> host;  // recorded on this host (its hostname)
  std::optional<int64_t> since_ns;  // started at or after
  std::optional<int64_t> until_ns;  // started at or before
  std::optional<int> exit_status;
  std::optional<std::set<int64_t>> ids;  // only these commands
  size_t limit = 0;                      // 0: all; newest first either way
};

// SQLite's GLOB pattern as an anchored POSIX regular expression (what
// PostgreSQL matches --command patterns with).
std::string GlobToRegex(const std::string& glob);

// Commands without their files, newest first.
Result<std::vector<CommandRecord>> FindCommands(Connection& db, const CommandFilter& filter);

// One command with its files (contents not loaded); nullopt if no such id.
Result<std::optional<CommandRecord>> LoadCommand(Connection& db, int64_t id);

enum class MatchKind { kContent, kPath };

// A file row of some command that matches a file asked about.
struct FileMatch {
  int64_t command_id = 0;
  FileRecord file;
  MatchKind kind = MatchKind::kContent;
  bool same_path = false;  // the row's path is the path asked about
  // kPath only: the file now at the path differs from what the command
  // saw (or it could not be hashed then), so it was changed since.
  bool changed_since = false;
};

// The file rows with `role` that match the file at `path` now: by content
// hash and size (under every hash scheme in the database), then by path.
// Content matches at the same path come before those elsewhere (a copy);
// within each group the newest command first. `path` should be absolute
// and canonical; a missing file matches by path. A file that exists but
// cannot be read matches by path only, and those matches are not marked
// changed: nothing was compared. `unreadable`, when given, receives why it
// could not be read ("" when it could, or is missing).
Result<std::vector<FileMatch>> FindFileMatches(Connection& db, FileRole role, const std::string& path,
                                               std::string* unreadable = nullptr);

// The written rows with the content (hash and size) of `file`, or at its
// path, of commands started before `before_ns`; ordered as FindFileMatches.
Result<std::vector<FileMatch>> FindEarlierWriters(Connection& db, const FileRecord& file, int64_t before_ns);

// Captured content by hash; nullopt if none.
Result<std::optional<std::string>> LoadBlob(Connection& db, const std::string& hash);
// The hash of the newest captured content of `path`; nullopt if none.
Result<std::optional<std::string>> CapturedHashOfPath(Connection& db, const std::string& path);

}  // namespace fantrace::store
