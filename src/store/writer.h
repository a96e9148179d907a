// Stores one CommandRecord in one transaction: the command, its files, the
// captured contents not yet stored (deduplicated by hash) and the hash
// scheme the hashes were made with. Either all of it lands or nothing does,
// even if fantrace is killed half-way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "fantrace/result.h"
#include "store/command_record.h"
#include "store/content_hash.h"
#include "store/connection.h"

namespace fantrace::store {

// The id of the new command. A record without a uuid gets a new one.
Result<int64_t> WriteCommand(Connection& db, const CommandRecord& record, const HashScheme& scheme);

// The same inside the caller's transaction; nullopt (and nothing written)
// when the store has a command with the record's uuid already.
Result<std::optional<int64_t>> InsertCommandOnce(Connection& db, const CommandRecord& record,
                                                 const HashScheme& scheme);

// 32 random hex digits.
std::string NewCommandUuid();

// The id of `scheme` in the database, adding it if it is new. Call inside a
// transaction.
Result<int64_t> HashSchemeId(Connection& db, const HashScheme& scheme);

}  // namespace fantrace::store
