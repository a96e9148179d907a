#include "store/queries.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "store/content_hash.h"

namespace fantrace::store {
namespace {

constexpr const char* kCommandColumns =
    "id, argv, cwd, \"user\", uid, hostname, start_ns, end_ns, exit_status, events, lost, fantrace_version, uuid";

CommandRecord CommandFromRow(const Statement& st) {
  CommandRecord c;
  c.id = st.Int(0);
  nlohmann::json argv = nlohmann::json::parse(st.Text(1), nullptr, false);
  if (argv.is_array())
    for (const auto& arg : argv)
      if (arg.is_string()) c.argv.push_back(arg.get<std::string>());
  c.cwd = st.Text(2);
  c.user = st.Text(3);
  c.uid = static_cast<uint32_t>(st.Int(4));
  c.hostname = st.Text(5);
  c.start_ns = st.Int(6);
  c.end_ns = st.Int(7);
  c.exit_status = static_cast<int>(st.Int(8));
  c.events = static_cast<uint64_t>(st.Int(9));
  c.lost = static_cast<uint64_t>(st.Int(10));
  c.fantrace_version = st.Text(11);
  c.uuid = st.Text(12);
  return c;
}

constexpr const char* kFileColumns =
    "f.id, f.command_id, f.role, f.path, f.size, f.mtime_ns, f.dev, f.ino, f.hash, f.hash_state, f.captured";

template <typename T>
std::optional<T> Optional(const Statement& st, int column) {
  if (st.IsNull(column)) return std::nullopt;
  return static_cast<T>(st.Int(column));
}

FileRole RoleFromName(const std::string& name) {
  if (name == "written") return FileRole::kWritten;
  if (name == "deleted") return FileRole::kDeleted;
  if (name == "executed") return FileRole::kExecuted;
  return FileRole::kRead;
}

// Columns from kFileColumns.
FileRecord FileFromRow(const Statement& st) {
  FileRecord f;
  f.role = RoleFromName(st.Text(2));
  f.path = st.Text(3);
  f.size = Optional<uint64_t>(st, 4);
  f.mtime_ns = Optional<int64_t>(st, 5);
  f.dev = Optional<uint64_t>(st, 6);
  f.ino = Optional<uint64_t>(st, 7);
  if (!st.IsNull(8)) f.hash = st.Text(8);
  f.hash_state = HashStateFromName(st.Text(9));
  if (!st.IsNull(10)) f.captured = st.Text(10);
  return f;
}

bool HasGlob(const std::string& pattern) { return pattern.find_first_of("*?[") != std::string::npos; }

}  // namespace

std::string GlobToRegex(const std::string& glob) {
  std::string re = "^";
  for (size_t i = 0; i < glob.size(); ++i) {
    char c = glob[i];
    if (c == '*') {
      re += ".*";
    } else if (c == '?') {
      re += '.';
    } else if (c == '[' && glob.find(']', i + 2) != std::string::npos) {
      // SQLite's classes: [abc], [a-z], [^abc]; a ']' first is literal.
      size_t end = glob.find(']', i + 2);
      std::string body = glob.substr(i + 1, end - i - 1);
      re += '[';
      for (char b : body) {
        if (b == '\\') re += "\\\\";
        else re += b;
      }
      re += ']';
      i = end;
    } else {
      if (std::string_view("\\.^$|()[]{}+*?").find(c) != std::string_view::npos) re += '\\';
      re += c;
    }
  }
  return re + "$";
}

namespace {

struct HashSchemeRow {
  int64_t id;
  HashScheme scheme;
};

Result<std::vector<HashSchemeRow>> HashSchemes(Connection& db) {
  Result<Statement> st = db.Prepare("SELECT id, algorithm, whole_max, chunk_count, chunk_size FROM hash_schemes");
  if (!st) return st.error();
  std::vector<HashSchemeRow> out;
  while (true) {
    Result<bool> row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    HashScheme s{st->Text(1), static_cast<uint64_t>(st->Int(2)), static_cast<uint64_t>(st->Int(3)),
                 static_cast<uint64_t>(st->Int(4))};
    if (s.algorithm == HashScheme{}.algorithm) out.push_back({st->Int(0), s});
  }
  return out;
}

// Selects the file rows (with their commands) that satisfy `where`, newest
// command first, with the parameters `bind` sets, and appends those not in
// `seen` as matches of `kind`.
template <typename Binder>
Status CollectMatches(Connection& db, const std::string& where, Binder bind, MatchKind kind,
                      std::set<int64_t>& seen, std::vector<FileMatch>& out) {
  Result<Statement> st = db.Prepare(fmt::format(
      "SELECT {} FROM files f JOIN commands c ON c.id = f.command_id WHERE {} ORDER BY c.start_ns DESC",
      kFileColumns, where));
  if (!st) return st.error();
  bind(*st);
  while (true) {
    Result<bool> row = st->Step();
    if (!row) return row.error();
    if (!*row) return Ok{};
    if (!seen.insert(st->Int(0)).second) continue;
    out.push_back(FileMatch{st->Int(1), FileFromRow(*st), kind});
  }
}

// Marks the matches at `path` and moves the content matches among them
// first, keeping the order otherwise.
void PreferSamePath(std::vector<FileMatch>& matches, const std::string& path) {
  for (FileMatch& m : matches) m.same_path = m.file.path == path;
  std::stable_partition(matches.begin(), matches.end(),
                        [](const FileMatch& m) { return m.kind == MatchKind::kContent && m.same_path; });
}

}  // namespace

Result<std::vector<CommandRecord>> FindCommands(Connection& db, const CommandFilter& f) {
  const bool pg = db.dialect() == Dialect::kPostgres;
  std::string sql = fmt::format("SELECT {} FROM commands WHERE 1 = 1", kCommandColumns);
  if (f.command) {
    if (HasGlob(*f.command)) sql += pg ? " AND command_line ~ ?1" : " AND command_line GLOB ?1";
    else sql += pg ? " AND strpos(command_line, ?1) > 0" : " AND instr(command_line, ?1) > 0";
  }
  if (f.cwd) sql += " AND (cwd = ?2 OR substr(cwd, 1, length(?2) + 1) = ?2 || '/' OR ?2 = '/')";
  if (f.since_ns) sql += " AND start_ns >= ?3";
  if (f.until_ns) sql += " AND start_ns <= ?4";
  if (f.exit_status) sql += " AND exit_status = ?5";
  if (f.ids)
    sql += pg ? " AND id IN (SELECT jsonb_array_elements_text(?6::jsonb)::bigint)"
              : " AND id IN (SELECT value FROM json_each(?6))";
  if (f.host) sql += " AND hostname = ?7";
  sql += " ORDER BY start_ns DESC, id DESC";
  if (f.limit > 0) sql += fmt::format(" LIMIT {}", f.limit);
  Result<Statement> st = db.Prepare(sql);
  if (!st) return st.error();
  if (f.command) st->Bind(1, pg && HasGlob(*f.command) ? GlobToRegex(*f.command) : *f.command);
  if (f.cwd) st->Bind(2, f.cwd->size() > 1 && f.cwd->ends_with('/') ? f.cwd->substr(0, f.cwd->size() - 1) : *f.cwd);
  if (f.since_ns) st->Bind(3, *f.since_ns);
  if (f.until_ns) st->Bind(4, *f.until_ns);
  if (f.exit_status) st->Bind(5, int64_t{*f.exit_status});
  if (f.ids) st->Bind(6, nlohmann::json(*f.ids).dump());
  if (f.host) st->Bind(7, *f.host);
  std::vector<CommandRecord> out;
  while (true) {
    Result<bool> row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back(CommandFromRow(*st));
  }
  return out;
}

Result<std::optional<CommandRecord>> LoadCommand(Connection& db, int64_t id) {
  CommandFilter filter;
  filter.ids = std::set<int64_t>{id};
  Result<std::vector<CommandRecord>> found = FindCommands(db, filter);
  if (!found) return found.error();
  if (found->empty()) return std::optional<CommandRecord>();
  CommandRecord c = std::move(found->front());
  Result<Statement> st = db.Prepare(fmt::format(
      "SELECT {} FROM files f WHERE command_id = ? ORDER BY CASE role WHEN 'executed' THEN 0 "
      "WHEN 'read' THEN 1 WHEN 'written' THEN 2 ELSE 3 END, path",
      kFileColumns));
  if (!st) return st.error();
  st->Bind(1, id);
  while (true) {
    Result<bool> row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    c.files.push_back(FileFromRow(*st));
  }
  return std::optional<CommandRecord>(std::move(c));
}

Result<std::vector<FileMatch>> FindFileMatches(Connection& db, FileRole role, const std::string& path,
                                               std::string* unreadable) {
  std::vector<FileMatch> out;
  std::set<int64_t> seen;
  const std::string role_name = FileRoleName(role);
  // By content, under each scheme hashes were made with.
  Result<std::vector<HashSchemeRow>> schemes = HashSchemes(db);
  if (!schemes) return schemes.error();
  struct stat now;
  const bool exists = stat(path.c_str(), &now) == 0 && S_ISREG(now.st_mode);
  const int64_t size = exists ? static_cast<int64_t>(now.st_size) : -1;
  std::string unhashed;
  for (const HashSchemeRow& s : *schemes) {
    if (!exists) break;  // missing: path matches only
    Result<std::string> hash = HashPath(path, s.scheme);
    if (!hash) {
      unhashed = hash.error().message;
      break;
    }
    Status c = CollectMatches(
        db, "f.role = ? AND f.hash = ? AND f.hash_scheme = ? AND f.size = ?",
        [&](Statement& st) { st.Bind(1, role_name).Bind(2, *hash).Bind(3, s.id).Bind(4, size); },
        MatchKind::kContent, seen, out);
    if (!c) return c.error();
  }
  // By path: the same name, whatever its content then.
  size_t first_path_match = out.size();
  Status c = CollectMatches(
      db, "f.role = ? AND f.path = ?", [&](Statement& st) { st.Bind(1, role_name).Bind(2, path); },
      MatchKind::kPath, seen, out);
  if (!c) return c.error();
  // Whatever matched by path but not by content was changed since (or
  // could not be hashed when the command ran), unless the file asked about
  // could not be read now: then nothing was compared.
  for (size_t i = first_path_match; i < out.size(); ++i) out[i].changed_since = unhashed.empty();
  PreferSamePath(out, path);
  if (unreadable) *unreadable = std::move(unhashed);
  return out;
}

Result<std::vector<FileMatch>> FindEarlierWriters(Connection& db, const FileRecord& file, int64_t before_ns) {
  std::vector<FileMatch> out;
  std::set<int64_t> seen;
  if (file.hash && file.size) {
    Status c = CollectMatches(
        db, "f.role = 'written' AND f.hash = ? AND f.size = ? AND c.start_ns < ?",
        [&](Statement& st) { st.Bind(1, *file.hash).Bind(2, static_cast<int64_t>(*file.size)).Bind(3, before_ns); },
        MatchKind::kContent, seen, out);
    if (!c) return c.error();
  }
  size_t first_path_match = out.size();
  Status c = CollectMatches(
      db, "f.role = 'written' AND f.path = ? AND c.start_ns < ?",
      [&](Statement& st) { st.Bind(1, file.path).Bind(2, before_ns); }, MatchKind::kPath, seen, out);
  if (!c) return c.error();
  for (size_t i = first_path_match; i < out.size(); ++i)
    out[i].changed_since = !file.hash || out[i].file.hash != file.hash;
  PreferSamePath(out, file.path);
  return out;
}

Result<std::optional<std::string>> LoadBlob(Connection& db, const std::string& hash) {
  Result<Statement> st = db.Prepare("SELECT content FROM blobs WHERE hash = ?");
  if (!st) return st.error();
  st->Bind(1, hash);
  Result<bool> row = st->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(st->Text(0));
}

Result<std::optional<std::string>> CapturedHashOfPath(Connection& db, const std::string& path) {
  Result<Statement> st = db.Prepare(
      "SELECT f.captured FROM files f JOIN commands c ON c.id = f.command_id "
      "WHERE f.path = ? AND f.captured IS NOT NULL ORDER BY c.start_ns DESC LIMIT 1");
  if (!st) return st.error();
  st->Bind(1, path);
  Result<bool> row = st->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(st->Text(0));
}

}  // namespace fantrace::store
