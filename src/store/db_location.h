// Where the provenance database lives. By default it is
// $XDG_DATA_HOME/fantrace/provenance.db (~/.local/share/... when unset) of
// the invoking user: under sudo that is SUDO_USER, whose home is looked up
// in the password database. Creating it is done with the credentials of
// whoever calls PrepareDatabaseFile: under sudo that is a process that has
// become the invoking user (cli/as_user.h), so everything is created by,
// and owned by, that user, and SQLite's -wal and -shm files too.
#pragma once

#include <sys/types.h>

#include <string>

#include "fantrace/result.h"

namespace fantrace::store {

struct DbOwner {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
  std::string home;
};

// The invoking user: SUDO_UID/SUDO_GID/SUDO_USER when running as root
// through sudo (home from the password database), else the real user
// (home from $HOME when it is absolute, as XDG says).
Result<DbOwner> InvokingUser();

// The default database path for `owner` (environment: XDG_DATA_HOME).
std::string DefaultDatabasePath(const DbOwner& owner);

// Creates the missing directories above `path` (mode 0700) and the file
// itself (mode 0600), owned by the caller; leaves existing ones as they are.
Status PrepareDatabaseFile(const std::string& path);

}  // namespace fantrace::store
