#include "store/writer.h"

#include <nlohmann/json.hpp>

namespace fantrace::store {
namespace {

std::string JoinArgv(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) {
    if (!line.empty()) line += ' ';
    line += arg;
  }
  return line;
}

Result<int64_t> InsertCommand(Database& db, const CommandRecord& r) {
  Result<Statement> st = db.Prepare(
      "INSERT INTO commands(argv, command_line, cwd, user, uid, hostname, start_ns, end_ns, "
      "exit_status, events, lost, fantrace_version) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!st) return st.error();
  nlohmann::json argv = r.argv;
  st->Bind(1, argv.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
      .Bind(2, JoinArgv(r.argv))
      .Bind(3, r.cwd)
      .Bind(4, r.user)
      .Bind(5, int64_t{r.uid})
      .Bind(6, r.hostname)
      .Bind(7, r.start_ns)
      .Bind(8, r.end_ns)
      .Bind(9, int64_t{r.exit_status})
      .Bind(10, static_cast<int64_t>(r.events))
      .Bind(11, static_cast<int64_t>(r.lost))
      .Bind(12, r.fantrace_version);
  if (Status done = st->Run(); !done) return done.error();
  return db.LastInsertId();
}

std::optional<int64_t> Signed(const std::optional<uint64_t>& v) {
  if (!v) return std::nullopt;
  return static_cast<int64_t>(*v);
}

// Parameters 1-4: algorithm, whole_max, chunk_count, chunk_size.
void BindScheme(Statement& st, const HashScheme& s) {
  st.Bind(1, s.algorithm)
      .Bind(2, static_cast<int64_t>(s.whole_max))
      .Bind(3, static_cast<int64_t>(s.chunk_count))
      .Bind(4, static_cast<int64_t>(s.chunk_size));
}

}  // namespace

Result<int64_t> HashSchemeId(Database& db, const HashScheme& s) {
  Result<Statement> add = db.Prepare(
      "INSERT OR IGNORE INTO hash_schemes(algorithm, whole_max, chunk_count, chunk_size) VALUES(?,?,?,?)");
  if (!add) return add.error();
  BindScheme(*add, s);
  if (Status st = add->Run(); !st) return st.error();
  Result<Statement> find = db.Prepare(
      "SELECT id FROM hash_schemes WHERE algorithm=? AND whole_max=? AND chunk_count=? AND chunk_size=?");
  if (!find) return find.error();
  BindScheme(*find, s);
  Result<bool> row = find->Step();
  if (!row) return row.error();
  if (!*row) return MakeError("the hash scheme just stored cannot be found");
  return find->Int(0);
}

Result<int64_t> WriteCommand(Database& db, const CommandRecord& record, const HashScheme& scheme) {
  Result<Transaction> tx = Transaction::Begin(db);
  if (!tx) return tx.error();
  Result<int64_t> scheme_id = HashSchemeId(db, scheme);
  if (!scheme_id) return scheme_id.error();
  Result<int64_t> id = InsertCommand(db, record);
  if (!id) return id.error();

  Result<Statement> blob = db.Prepare("INSERT OR IGNORE INTO blobs(hash, size, content) VALUES(?,?,?)");
  if (!blob) return blob.error();
  Result<Statement> file = db.Prepare(
      "INSERT INTO files(command_id, role, path, size, mtime_ns, dev, ino, hash, hash_scheme, "
      "hash_state, captured) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  if (!file) return file.error();
  for (const FileRecord& f : record.files) {
    std::optional<std::string> captured;
    if (f.content && f.hash) {
      blob->Reset();
      blob->Bind(1, *f.hash).Bind(2, static_cast<int64_t>(f.content->size())).BindBlob(3, *f.content);
      if (Status st = blob->Run(); !st) return st.error();
      captured = f.hash;
    }
    file->Reset();
    file->Bind(1, *id)
        .Bind(2, std::string_view(FileRoleName(f.role)))
        .Bind(3, f.path)
        .Bind(4, Signed(f.size))
        .Bind(5, f.mtime_ns)
        .Bind(6, Signed(f.dev))
        .Bind(7, Signed(f.ino))
        .Bind(8, f.hash)
        .Bind(9, f.hash ? std::optional<int64_t>(*scheme_id) : std::nullopt)
        .Bind(10, std::string_view(HashStateName(f.hash_state)))
        .Bind(11, captured);
    if (Status st = file->Run(); !st) return st.error();
  }
  if (Status st = tx->Commit(); !st) return st.error();
  return *id;
}

}  // namespace fantrace::store
