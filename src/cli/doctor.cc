#include "cli/doctor.h"

#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

#include "cli/as_user.h"
#include "cli/database_target.h"
#include "cli/exit_status.h"
#include "lib/daemon_protocol.h"
#include "lib/fan_trace.h"
#include "lib/kernel_env.h"
#include "lib/kernel_features.h"
#include "store/postgres.h"
#include "store/postgres_schema.h"
#include "store/schema.h"
#include "store/sqlite.h"

namespace fantrace::cli {
namespace {

// One line about fantraced; true when it answers.
bool ReportDaemon() {
  const std::string path = DaemonSocketPath();
  Status st = CheckDaemonSocket(path);
  if (st) fmt::print("daemon: fantraced answers on {}\n", path);
  else fmt::print("daemon: {}\n", st.error().message);
  return static_cast<bool>(st);
}

// The same for a central PostgreSQL store: can it be reached, and at
// which schema version (nothing is created or migrated here).
std::string PgStoreState(const std::string& uri) {
  Result<store::PgDatabase> db = store::PgDatabase::Connect(uri);
  if (!db) return fmt::format("cannot be reached: {}", db.error().message);
  Result<int> v = store::PgSchemaVersion(*db);
  if (!v) return fmt::format("cannot be queried: {}", v.error().message);
  if (*v > store::SchemaVersion())
    return fmt::format("has schema version {}, newer than this fantrace knows ({}): use a newer fantrace", *v,
                       store::SchemaVersion());
  return fmt::format("ok: PostgreSQL, schema version {}{}", *v,
                     *v < store::SchemaVersion() ? " (brought up to date at the next record)" : "");
}

// The result of one read-only look at the user's default database.
std::string DatabaseState(const std::string& path) {
  if (store::IsPostgresUri(path)) return PgStoreState(path);
  if (access(path.c_str(), F_OK) != 0)
    return "none yet: the first recorded command (fantrace record, or shell integration) creates it";
  if (access(path.c_str(), R_OK | W_OK) != 0)
    return "cannot be read and written by this user: check its owner and mode";
  Result<store::Database> db = store::Database::Open(path, false);
  if (!db) return fmt::format("cannot be opened: {}", db.error().message);
  Result<store::Statement> version = db->Prepare("PRAGMA user_version");
  Result<bool> row = version ? version->Step() : Result<bool>(version.error());
  if (!row || !*row) return "is not a readable SQLite database: move it away; fantrace starts a new one";
  int v = static_cast<int>(version->Int(0));
  if (v > store::SchemaVersion())
    return fmt::format("has schema version {}, newer than this fantrace knows ({}): use a newer fantrace", v,
                       store::SchemaVersion());
  Result<store::Statement> count = db->Prepare("SELECT count(*) FROM commands");
  Result<bool> counted = count ? count->Step() : Result<bool>(count.error());
  if (v > 0 && (!counted || !*counted)) return "cannot be queried: it may be damaged (sqlite3 PATH 'PRAGMA integrity_check')";
  int64_t commands = v > 0 ? count->Int(0) : 0;
  std::string upgrade = v < store::SchemaVersion()
                            ? fmt::format(" (brought up to version {} at the next record)", store::SchemaVersion())
                            : "";
  return fmt::format("ok: schema version {}{}, {} recorded commands", v, upgrade, commands);
}

void ReportDatabase() {
  Result<DatabaseTarget> target = LocateDatabase(StoreOptions{});
  if (!target) {
    fmt::print("database: cannot tell whose database to check: {}\n", target.error().message);
    return;
  }
  const std::string& path = target->path;
  // Under sudo, looked at as its user would (cli/database_target.h).
  auto look = [&]() -> Result<std::string> { return DatabaseState(path); };
  Result<std::string> state = target->as_user ? RunAsUser(*target->as_user, look) : look();
  fmt::print("database: {}: {}\n", ShownLocation(path), state ? *state : state.error().message);
}

}  // namespace

int RunDoctor() {
  if (Status root = CheckPrivileges(); !root) {
    // An ordinary user traces through fantraced: check what that needs.
    bool daemon = ReportDaemon();
    ReportDatabase();
    if (daemon) {
      fmt::print("status: supported through fantraced (run doctor as root for the kernel's features)\n");
      return 0;
    }
    fmt::print(stderr, "fantrace: {}; an ordinary user traces through fantraced, which does not answer "
                       "(see the daemon line above)\n", root.error().message);
    return kExitUsage;
  }
  CaptureLibbpfLog();  // the probes' refusals are expected: keep them off the terminal
  KernelFeatures kernel = ProbeKernelFeatures();
  TakeLibbpfLog();
  fmt::print("kernel: {}\n", kernel.release);
  for (const KernelFeature& f : kernel.features)
    fmt::print("feature: {:<25} {:<3} (Linux {}+: {})\n", f.name, f.present ? "yes" : "no", f.since,
               f.used_for);
  Result<std::optional<BpfPath>> forced = ParseBpfPath(getenv(kBpfPathEnv));
  if (!forced) {
    fmt::print("code path: {}\n", forced.error().message);
    fmt::print("status: unsupported: fantrace refuses to run with {} set so\n", kBpfPathEnv);
    return kExitUsage;
  }
  fmt::print("code path: {}\n", CodePath(kernel, *forced));
  // Root traces in-process: the daemon is for ordinary users, so its
  // absence is reported, not a failure.
  ReportDaemon();
  ReportDatabase();
  // fanotify's tracing mode, probed by asking for it (kernel/, docs/fan-trace.md).
  FanTraceSupport fan = ProbeFanTrace();
  fmt::print("fan_trace: {} ({})\n", fan.present ? "yes" : "no", fan.detail);
  Status ok = CheckKernelFeatures(kernel);
  fmt::print("backend: {}\n", ok            ? "ebpf (what --backend auto uses here)"
                              : fan.present ? "fanotify (what --backend auto uses here: the eBPF engine cannot run)"
                                            : "none");
  if (!ok && fan.present) {
    fmt::print("status: supported with --backend fanotify (the eBPF engine cannot run: {})\n", ok.error().message);
    return 0;
  }
  if (!ok) {
    fmt::print("status: unsupported: {}\n", ok.error().message);
    return kExitUsage;
  }
  fmt::print("status: supported\n");
  return 0;
}

}  // namespace fantrace::cli
