#include "cli/database_target.h"

#include <pwd.h>
#include <unistd.h>

#include "store/db_location.h"

namespace fantrace::cli {

Result<DatabaseTarget> LocateDatabase(const StoreOptions& options) {
  Result<store::DbOwner> owner = store::InvokingUser();
  if (!owner) return owner.error();
  DatabaseTarget target;
  target.path = options.db.empty() ? store::DefaultDatabasePath(*owner) : options.db;
  if (geteuid() == 0 && owner->uid != 0) {
    // A user without a password entry gets no supplementary groups.
    std::string name = getpwuid(owner->uid) ? owner->name : "";
    target.as_user = Credentials{owner->uid, owner->gid, name};
  }
  return target;
}

}  // namespace fantrace::cli
