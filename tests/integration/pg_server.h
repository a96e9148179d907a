// A real PostgreSQL 15 server for the tests of the central store, from
// Debian's postgresql package: initdb into a temporary directory owned by
// the unprivileged `postgres` user, listening on a Unix socket in that
// directory only (no TCP), trust authentication on that socket. Started at
// the first use in a test process and stopped (fast shutdown) when the
// process exits; setpriv's parent-death signal kills it even if the test
// process dies first, so no server outlives the tests.
// Not thread-safe; one per test process.
#pragma once

#include <memory>
#include <string>

#include "process.h"

namespace fantrace::itest {

class PgServer {
 public:
  // The server of this test process, started if need be; nullptr (and a
  // test failure) when it cannot be started.
  static PgServer* Shared();
  ~PgServer();

  // A new, empty database; its URI (postgresql:///NAME?host=SOCKET&user=postgres).
  std::string NewDatabase();
  std::string Uri(const std::string& database) const;
  // psql -At -c SQL on `database`: its output, or "(error: ...)".
  std::string Sql(const std::string& database, const std::string& sql) const;
  const std::string& socket_dir() const { return dir_.path(); }

 private:
  PgServer() = default;
  bool Start();
  TempDir dir_;
  std::unique_ptr<Process> server_;
  int databases_ = 0;
};

// The database name of a URI NewDatabase made.
std::string PgDatabaseName(const std::string& uri);

}  // namespace fantrace::itest
