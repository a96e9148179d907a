#include "store/sync.h"

#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "store/queries.h"
#include "store/writer.h"

namespace fantrace::store {
namespace {

// How many uuids one question to the target names.
constexpr size_t kBatch = 500;

// Which of `uuids` the store holds.
Result<std::set<std::string>> PresentUuids(Connection& db, const std::vector<std::string>& uuids) {
  const char* sql = db.dialect() == Dialect::kPostgres
                        ? "SELECT uuid FROM commands WHERE uuid IN (SELECT jsonb_array_elements_text(?::jsonb))"
                        : "SELECT uuid FROM commands WHERE uuid IN (SELECT value FROM json_each(?))";
  Result<Statement> st = db.Prepare(sql);
  if (!st) return st.error();
  st->Bind(1, nlohmann::json(uuids).dump());
  std::set<std::string> present;
  while (true) {
    Result<bool> row = st->Step();
    if (!row) return row.error();
    if (!*row) return present;
    present.insert(st->Text(0));
  }
}

// The hash scheme the files of command `id` were hashed with (the default
// one when none was).
Result<HashScheme> SchemeOf(Connection& db, int64_t id) {
  Result<Statement> st = db.Prepare(
      "SELECT DISTINCT h.algorithm, h.whole_max, h.chunk_count, h.chunk_size FROM files f "
      "JOIN hash_schemes h ON h.id = f.hash_scheme WHERE f.command_id = ?");
  if (!st) return st.error();
  st->Bind(1, id);
  std::vector<HashScheme> schemes;
  while (true) {
    Result<bool> row = st->Step();
    if (!row) return row.error();
    if (!*row) break;
    schemes.push_back(HashScheme{st->Text(0), static_cast<uint64_t>(st->Int(1)), static_cast<uint64_t>(st->Int(2)),
                                 static_cast<uint64_t>(st->Int(3))});
  }
  if (schemes.size() > 1)
    return MakeError(fmt::format("command #{} in {} has files hashed in {} ways; sync cannot copy it", id, db.path(),
                                 schemes.size()));
  return schemes.empty() ? HashScheme{} : schemes.front();
}

// Command `id` of `from` with its files and their kept contents.
Result<CommandRecord> LoadWhole(Connection& from, int64_t id) {
  Result<std::optional<CommandRecord>> loaded = LoadCommand(from, id);
  if (!loaded) return loaded.error();
  if (!*loaded) return MakeError(fmt::format("command #{} vanished from {} during sync", id, from.path()));
  for (FileRecord& f : (*loaded)->files) {
    if (!f.captured) continue;
    Result<std::optional<std::string>> blob = LoadBlob(from, *f.captured);
    if (!blob) return blob.error();
    f.content = std::move(*blob);
  }
  return std::move(**loaded);
}

Status CopyOne(Connection& from, Connection& to, int64_t id, SyncCounts& counts) {
  Result<CommandRecord> record = LoadWhole(from, id);
  if (!record) return record.error();
  Result<HashScheme> scheme = SchemeOf(from, id);
  if (!scheme) return scheme.error();
  Result<Transaction> tx = Transaction::Begin(to);
  if (!tx) return tx.error();
  Result<std::optional<int64_t>> inserted = InsertCommandOnce(to, *record, *scheme);
  if (!inserted) return inserted.error();
  if (Status st = tx->Commit(); !st) return st;
  ++(*inserted ? counts.copied : counts.present);  // present: another sync was quicker
  return Ok{};
}

}  // namespace

Result<SyncCounts> SyncCommands(Connection& from, Connection& to) {
  Result<std::vector<CommandRecord>> commands = FindCommands(from, CommandFilter{});
  if (!commands) return commands.error();
  SyncCounts counts;
  // Oldest first, so that the target's ids grow with the commands' times.
  for (size_t end = commands->size(); end > 0;) {
    size_t begin = end > kBatch ? end - kBatch : 0;
    std::vector<std::string> uuids;
    for (size_t i = begin; i < end; ++i) uuids.push_back((*commands)[i].uuid);
    Result<std::set<std::string>> present = PresentUuids(to, uuids);
    if (!present) return present.error();
    for (size_t i = end; i-- > begin;) {
      const CommandRecord& c = (*commands)[i];
      if (present->count(c.uuid)) {
        ++counts.present;
        continue;
      }
      if (Status st = CopyOne(from, to, c.id, counts); !st) return st.error();
    }
    end = begin;
  }
  return counts;
}

}  // namespace fantrace::store
