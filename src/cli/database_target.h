// Which provenance database a command uses, and with whose credentials it
// may touch it. The path is the user's to choose (--db, XDG_DATA_HOME, or
// anything above it made a symlink), so under sudo every access to it is
// made by a process that has become the invoking user (cli/as_user.h):
// root never opens, creates or follows anything there.
#pragma once

#include <optional>
#include <string>

#include "cli/as_user.h"
#include "cli/store_options.h"
#include "fantrace/result.h"

namespace fantrace::cli {

struct DatabaseTarget {
  std::string path;
  // Set when fantrace runs as root for another user (sudo): the database,
  // and the traced files hashed for it, are that user's business. Unset:
  // fantrace's own credentials serve (plain root, or an ordinary user).
  std::optional<Credentials> as_user;
};

// --db PATH, else the invoking user's default path (store/db_location.h).
// Touches no file.
Result<DatabaseTarget> LocateDatabase(const StoreOptions& options);

}  // namespace fantrace::cli
