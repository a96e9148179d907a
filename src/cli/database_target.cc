#include "cli/database_target.h"

#include <pwd.h>
#include <unistd.h>

#include "store/db_config.h"
#include "store/db_location.h"
#include "store/postgres.h"

namespace fantrace::cli {

Result<DatabaseTarget> LocateDatabase(const StoreOptions& options) {
  Result<store::DbOwner> owner = store::InvokingUser();
  if (!owner) return owner.error();
  DatabaseTarget target;
  const bool for_sudo_user = geteuid() == 0 && owner->uid != 0;
  target.path = options.db;
  if (target.path.empty()) {
    Result<std::optional<std::string>> configured = store::ConfiguredDatabase(*owner, for_sudo_user);
    if (!configured) return configured.error();
    target.path = configured->value_or(store::DefaultDatabasePath(*owner));
  }
  target.postgres = store::IsPostgresUri(target.path);
  if (for_sudo_user) {
    // A user without a password entry gets no supplementary groups.
    std::string name = getpwuid(owner->uid) ? owner->name : "";
    target.as_user = Credentials{owner->uid, owner->gid, name};
  }
  return target;
}

std::string ShownLocation(const std::string& location) {
  return store::IsPostgresUri(location) ? store::RedactUri(location) : location;
}

}  // namespace fantrace::cli
