// The PostgreSQL store's connection (store/connection.h) over libpq: a
// central provenance store that many hosts record into at once. SQL comes
// in the shared dialect; `?` and `?N` parameters become `$N`. Values are
// sent typed (bigint, text, bytea), results read as text (bytea unescaped).
// Nothing this class reports carries the password of the connection
// string: path() is the URI without it, and libpq's messages are scrubbed.
// One thread at a time.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "fantrace/result.h"
#include "store/connection.h"

struct pg_conn;

namespace fantrace::store {

// postgresql:// or postgres:// (libpq's URI forms).
bool IsPostgresUri(std::string_view location);
// The URI without a password in its user part or its parameters.
std::string RedactUri(const std::string& uri);
// True when the URI itself carries a password (rather than PGPASSFILE,
// ~/.pgpass or the environment).
bool UriHasPassword(const std::string& uri);
// `text` with every occurrence of the password of `uri` (as written and as
// decoded) replaced: for messages that might quote it.
std::string ScrubPassword(std::string text, const std::string& uri);

// `?` and `?N` parameters as `$N`, outside quoted strings and names.
std::string NumberParameters(std::string_view sql);

class PgDatabase : public Connection {
 public:
  static Result<PgDatabase> Connect(const std::string& uri);
  PgDatabase(PgDatabase&&) noexcept = default;
  PgDatabase& operator=(PgDatabase&&) noexcept = default;

  Status Exec(std::string_view sql) override;
  Result<Statement> Prepare(std::string_view sql) override;
  Status BeginWrite() override;
  const std::string& path() const override { return shown_; }
  Dialect dialect() const override { return Dialect::kPostgres; }
  pg_conn* handle() const { return conn_.get(); }
  // "what failed in URI: libpq's message", scrubbed of the password.
  Error ErrorOf(std::string_view what, std::string_view message) const;

 private:
  struct Closer {
    void operator()(pg_conn* conn) const;
  };
  PgDatabase(pg_conn* conn, std::string uri);
  std::unique_ptr<pg_conn, Closer> conn_;
  std::string uri_;    // as given: kept only to scrub messages
  std::string shown_;  // RedactUri(uri_)
};

}  // namespace fantrace::store
