// Where a store is named when --db is not given: the FANTRACE_DB
// environment variable, else a `db = LOCATION` line of the user's
// configuration file ($XDG_CONFIG_HOME/fantrace/config, ~/.config/...).
// Naming a PostgreSQL store there keeps its URI (and any password in it)
// out of the process listing, which shows argv.
#pragma once

#include <optional>
#include <string>

#include "fantrace/result.h"
#include "store/db_location.h"

namespace fantrace::store {

// The configuration file of `owner` (environment: XDG_CONFIG_HOME, taken
// only when it is absolute and fantrace works for the real user).
std::string ConfigPath(const DbOwner& owner, bool for_sudo_user);

// The value of the first `db = ...` line of `text` ('#' starts a comment
// line; blanks around '=' and the value are dropped); nullopt if none.
std::optional<std::string> DbFromConfigText(const std::string& text);

// FANTRACE_DB if set and not empty, else the configuration file's db line,
// else nullopt. A configuration file that exists but cannot be read, or
// belongs to someone else than `owner`, is an error.
Result<std::optional<std::string>> ConfiguredDatabase(const DbOwner& owner, bool for_sudo_user);

}  // namespace fantrace::store
