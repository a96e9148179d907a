#include "store/writer.h"

#include <map>
#include <random>

#include <fmt/format.h>
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

// The new row's id; nullopt when a command with this uuid is stored.
Result<std::optional<int64_t>> InsertCommand(Connection& db, const CommandRecord& r) {
  Result<Statement> st = db.Prepare(
      "INSERT INTO commands(argv, command_line, cwd, \"user\", uid, hostname, start_ns, end_ns, "
      "exit_status, events, lost, fantrace_version, uuid) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) "
      "ON CONFLICT (uuid) DO NOTHING RETURNING id");
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
      .Bind(12, r.fantrace_version)
      .Bind(13, r.uuid);
  Result<bool> row = st->Step();
  if (!row) return row.error();
  if (!*row) return std::optional<int64_t>();
  return std::optional<int64_t>(st->Int(0));
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

Result<int64_t> HashSchemeId(Connection& db, const HashScheme& s) {
  Result<Statement> add = db.Prepare(
      "INSERT INTO hash_schemes(algorithm, whole_max, chunk_count, chunk_size) VALUES(?,?,?,?) "
      "ON CONFLICT DO NOTHING");
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

std::string NewCommandUuid() {
  std::random_device random;  // getrandom(2) in libstdc++
  std::string out;
  for (int i = 0; i < 4; ++i) out += fmt::format("{:08x}", random());
  return out;
}

Result<int64_t> WriteCommand(Connection& db, const CommandRecord& record, const HashScheme& scheme) {
  CommandRecord named;
  const CommandRecord* r = &record;
  if (record.uuid.empty()) {
    named = record;
    named.uuid = NewCommandUuid();
    r = &named;
  }
  Result<Transaction> tx = Transaction::Begin(db);
  if (!tx) return tx.error();
  Result<std::optional<int64_t>> id = InsertCommandOnce(db, *r, scheme);
  if (!id) return id.error();
  if (!*id) return MakeError(fmt::format("a command with the id {} is in {} already", r->uuid, db.path()));
  if (Status st = tx->Commit(); !st) return st.error();
  return **id;
}

Result<std::optional<int64_t>> InsertCommandOnce(Connection& db, const CommandRecord& record,
                                                 const HashScheme& scheme) {
  Result<int64_t> scheme_id = HashSchemeId(db, scheme);
  if (!scheme_id) return scheme_id.error();
  Result<std::optional<int64_t>> inserted = InsertCommand(db, record);
  if (!inserted) return inserted.error();
  if (!*inserted) return inserted;
  const int64_t* id = &**inserted;

  Result<Statement> blob = db.Prepare("INSERT INTO blobs(hash, size, content) VALUES(?,?,?) ON CONFLICT DO NOTHING");
  if (!blob) return blob.error();
  Result<Statement> file = db.Prepare(
      "INSERT INTO files(command_id, role, path, size, mtime_ns, dev, ino, hash, hash_scheme, "
      "hash_state, captured) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
  if (!file) return file.error();
  // Contents in the order of their hashes: two writers storing the same
  // two contents then wait for each other in one order, never in a cycle
  // (PostgreSQL would abort one of them as a deadlock).
  std::map<std::string, const std::string*> contents;
  for (const FileRecord& f : record.files)
    if (f.content && f.hash) contents.emplace(*f.hash, &*f.content);
  for (const auto& [hash, content] : contents) {
    blob->Reset();
    blob->Bind(1, hash).Bind(2, static_cast<int64_t>(content->size())).BindBlob(3, *content);
    if (Status st = blob->Run(); !st) return st.error();
  }
  for (const FileRecord& f : record.files) {
    std::optional<std::string> captured;
    if (f.content && f.hash) captured = f.hash;
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
  return inserted;
}

}  // namespace fantrace::store
