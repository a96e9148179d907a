// Copies the commands of one store into another (a laptop's SQLite into
// the central PostgreSQL store) that it does not hold yet, recognised by
// their uuid: running it again copies nothing twice. Each command lands
// whole, with its files and kept contents, in a transaction of its own, so
// an interrupted sync leaves whole commands and the next run goes on.
#pragma once

#include <cstdint>

#include "fantrace/result.h"
#include "store/connection.h"

namespace fantrace::store {

struct SyncCounts {
  int64_t copied = 0;   // new in the target
  int64_t present = 0;  // there already
};

Result<SyncCounts> SyncCommands(Connection& from, Connection& to);

}  // namespace fantrace::store
