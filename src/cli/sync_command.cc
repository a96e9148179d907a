#include "cli/sync_command.h"

#include <unistd.h>

#include <cerrno>
#include <memory>

#include <fmt/format.h>

#include "cli/as_user.h"
#include "cli/database_target.h"
#include "cli/exit_status.h"
#include "store/db_location.h"
#include "store/open_store.h"
#include "store/postgres.h"
#include "store/sync.h"

namespace fantrace::cli {
namespace {

int Fail(const std::string& message) {
  fmt::print(stderr, "fantrace: sync: {}\n", message);
  return kExitUsage;
}

}  // namespace

int RunSync(const Options& o) {
  const StoreOptions& s = o.store;
  Result<store::DbOwner> owner = store::InvokingUser();
  if (!owner) return Fail(owner.error().message);
  // The local database is the user's, and so is the connection: under
  // sudo, sync as the user (their ~/.pgpass, their peer identity).
  if (geteuid() == 0 && owner->uid != 0) {
    if (Status st = BecomeUser(Credentials{owner->uid, owner->gid, owner->name}); !st) return Fail(st.error().message);
  }
  const std::string from = s.sync_from.empty() ? store::DefaultDatabasePath(*owner) : s.sync_from;
  if (store::IsPostgresUri(from)) return Fail("--from is a local SQLite database, not a postgresql:// URI");
  if (access(from.c_str(), F_OK) != 0 && errno == ENOENT)
    return Fail(fmt::format("there is no provenance database at {}; give --from PATH", from));
  // Opening brings the local schema up to date first: older databases get
  // the uuids sync needs then, once, and keep them.
  Result<std::unique_ptr<store::Connection>> local = store::OpenAnyStore(from, false);
  if (!local) return Fail(local.error().message);
  Result<std::unique_ptr<store::Connection>> central = store::OpenAnyStore(s.sync_to, true);
  if (!central) return Fail(central.error().message);
  Result<store::SyncCounts> counts = store::SyncCommands(**local, **central);
  if (!counts) return Fail(counts.error().message);
  fmt::print(stderr, "fantrace: sync: copied {} commands from {} to {} ({} were there already)\n", counts->copied,
             from, (*central)->path(), counts->present);
  return 0;
}

}  // namespace fantrace::cli
