#include "pg_server.h"

#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include <fmt/format.h>

namespace fantrace::itest {
namespace {

constexpr const char* kBin = "/usr/lib/postgresql/15/bin";

// argv run as the postgres user, killed when its parent dies.
std::vector<std::string> AsPostgres(std::vector<std::string> argv) {
  std::vector<std::string> full{"setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups",
                                "--pdeathsig", "KILL", "--"};
  full.insert(full.end(), argv.begin(), argv.end());
  return full;
}

}  // namespace

PgServer* PgServer::Shared() {
  static std::unique_ptr<PgServer> server;
  static bool tried = false;
  if (!tried) {
    tried = true;
    server.reset(new PgServer);
    if (!server->Start()) server.reset();
  }
  if (!server) ADD_FAILURE() << "the test PostgreSQL server could not be started";
  return server.get();
}

bool PgServer::Start() {
  if (access(fmt::format("{}/initdb", kBin).c_str(), X_OK) != 0) {
    ADD_FAILURE() << kBin << "/initdb is missing: apt-get install postgresql (scripts/install-deps)";
    return false;
  }
  if (chown(dir_.path().c_str(), 0, 0) != 0 || chmod(dir_.path().c_str(), 0755) != 0) return false;
  const std::string data = dir_ / "data";
  if (RunUntraced({"install", "-d", "-o", "postgres", "-g", "postgres", "-m", "0700", data}).status != 0) return false;
  // The socket directory: writable by postgres, reachable by everyone.
  if (RunUntraced({"install", "-d", "-o", "postgres", "-g", "postgres", "-m", "0755", dir_ / "s"}).status != 0)
    return false;
  // SQL_ASCII and the C locale: paths are stored byte for byte and sort as
  // SQLite's do (docs/provenance.md recommends the same).
  ProcessResult init = RunUntraced(AsPostgres({fmt::format("{}/initdb", kBin), "-D", data, "-U", "postgres", "-A",
                                               "trust", "-E", "SQL_ASCII", "--locale=C", "--no-sync"}));
  if (init.status != 0) {
    ADD_FAILURE() << "initdb failed: " << init.out << init.err;
    return false;
  }
  server_ = std::make_unique<Process>(AsPostgres({fmt::format("{}/postgres", kBin), "-D", data, "-k", dir_ / "s",
                                                  "-c", "listen_addresses=", "-c", "fsync=off", "-c",
                                                  "max_connections=200"}));
  for (int i = 0; i < 300; ++i) {
    if (RunUntraced({fmt::format("{}/pg_isready", kBin), "-q", "-h", dir_ / "s"}).status == 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "the test PostgreSQL server did not come up in 30 s";
  return false;
}

PgServer::~PgServer() {
  if (!server_) return;
  kill(server_->pid(), SIGINT);  // fast shutdown: ends the sessions, then exits
  server_->Wait(std::chrono::seconds(30));
}

std::string PgServer::Uri(const std::string& database) const {
  return fmt::format("postgresql:///{}?host={}&user=postgres", database, dir_ / "s");
}

std::string PgServer::NewDatabase() {
  std::string name = fmt::format("fantrace_{}_{}", getpid(), ++databases_);
  std::string out = Sql("postgres", "CREATE DATABASE " + name);
  EXPECT_FALSE(out.starts_with("(error")) << out;
  return Uri(name);
}

std::string PgServer::Sql(const std::string& database, const std::string& sql) const {
  ProcessResult r = RunUntraced({fmt::format("{}/psql", kBin), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h",
                                 dir_ / "s", "-U", "postgres", "-d", database, "-c", sql});
  if (r.status != 0) return "(error: " + r.err + ")";
  while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  return r.out;
}

std::string PgDatabaseName(const std::string& uri) {
  size_t start = uri.find(":///");
  if (start == std::string::npos) return "";
  start += 4;
  return uri.substr(start, uri.find('?', start) - start);
}

}  // namespace fantrace::itest
