// Stores one CommandRecord in one transaction: the command, its files, the
// captured contents not yet stored (deduplicated by hash) and the hash
// scheme the hashes were made with. Either all of it lands or nothing does,
// even if fantrace is killed half-way.
#pragma once

#include <cstdint>

#include "fantrace/result.h"
#include "store/command_record.h"
#include "store/content_hash.h"
#include "store/sqlite.h"

namespace fantrace::store {

// The id of the new command.
Result<int64_t> WriteCommand(Database& db, const CommandRecord& record, const HashScheme& scheme);

// The id of `scheme` in the database, adding it if it is new. Call inside a
// transaction.
Result<int64_t> HashSchemeId(Database& db, const HashScheme& scheme);

}  // namespace fantrace::store
