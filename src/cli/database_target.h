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
  std::string path;  // an SQLite path, or a postgresql:// URI (never print it: store::RedactUri)
  bool postgres = false;
  // Set when fantrace runs as root for another user (sudo): the database,
  // and the traced files hashed for it, are that user's business. Unset:
  // fantrace's own credentials serve (plain root, or an ordinary user).
  std::optional<Credentials> as_user;
};

// --db PATH, else FANTRACE_DB or the user's configuration file
// (store/db_config.h), else the invoking user's default path
// (store/db_location.h). Reads only the configuration file.
Result<DatabaseTarget> LocateDatabase(const StoreOptions& options);

// `location` fit for messages: a URI without its password, or the path.
std::string ShownLocation(const std::string& location);

}  // namespace fantrace::cli
