#include "cli/recorder.h"

#include <unistd.h>

#include <climits>
#include <filesystem>

#include <fmt/format.h>

#include "store/content_hash.h"
#include "store/db_location.h"
#include "store/file_inspector.h"
#include "store/schema.h"
#include "store/writer.h"

namespace fantrace::cli {
namespace {

std::string Hostname() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

std::string CurrentDirectory() {
  std::error_code ec;
  std::filesystem::path cwd = std::filesystem::current_path(ec);
  return ec ? std::string() : cwd.string();
}

}  // namespace

Result<std::string> ResolveDatabase(const StoreOptions& o, bool create) {
  Result<store::DbOwner> owner = store::InvokingUser();
  if (!owner) return owner.error();
  std::string path = o.db.empty() ? store::DefaultDatabasePath(*owner) : o.db;
  if (create) {
    if (Status st = store::PrepareDatabaseFile(path, *owner); !st) return st.error();
  } else if (access(path.c_str(), F_OK) != 0) {
    return MakeError(fmt::format("there is no provenance database at {}; record a command first "
                                 "(fantrace record -- COMMAND) or give --db PATH",
                                 path));
  }
  return path;
}

Result<std::unique_ptr<Recorder>> Recorder::Open(const Options& o) {
  store::CapturePolicy capture = store::DefaultCapturePolicy();
  if (o.store.capture) capture.suffixes = store::SplitList(*o.store.capture);
  if (o.store.no_capture) {
    capture.suffixes.clear();
    capture.scripts = false;
  }
  Result<uint64_t> max = ParseSize(o.store.capture_max);
  if (!max) return MakeError("--capture-max: " + max.error().message);
  capture.max_size = *max;
  Result<std::string> path = ResolveDatabase(o.store, true);
  if (!path) return path.error();
  Result<store::Database> db = store::OpenStore(*path, true);
  if (!db) return db.error();
  return std::unique_ptr<Recorder>(new Recorder(std::move(*db), std::move(capture), o));
}

Result<int64_t> Recorder::Store(const Summary& summary, int64_t start_ns, int64_t end_ns) {
  return StoreCommand(summary, start_ns, end_ns, options_.command, CurrentDirectory());
}

Result<int64_t> Recorder::StoreCommand(const Summary& summary, int64_t start_ns, int64_t end_ns,
                                       const std::vector<std::string>& argv, const std::string& cwd) {
  Result<store::DbOwner> owner = store::InvokingUser();
  store::CommandRecord r;
  r.argv = argv;
  r.cwd = cwd;
  r.user = owner ? owner->name : std::to_string(getuid());
  r.uid = owner ? owner->uid : getuid();
  r.hostname = Hostname();
  r.start_ns = start_ns;
  r.end_ns = end_ns;
  r.exit_status = summary.exit_code;
  for (uint64_t n : summary.events) r.events += n;
  r.lost = summary.lost;
  r.fantrace_version = FANTRACE_VERSION;
  const store::HashScheme scheme;
  store::KernelDevices devices;
  auto inspect = [&](store::FileRole role, const std::vector<std::string>& paths) {
    for (const std::string& path : paths)
      r.files.push_back(store::InspectFile(role, path, facts_, capture_, scheme, devices));
  };
  inspect(store::FileRole::kExecuted, summary.executed);
  inspect(store::FileRole::kRead, summary.read);
  inspect(store::FileRole::kWritten, summary.written);
  inspect(store::FileRole::kDeleted, summary.deleted);
  Result<int64_t> id = store::WriteCommand(db_, r, scheme);
  facts_ = store::FileFacts();
  if (!id) return MakeError(fmt::format("storing the command in the provenance database failed: {}", id.error().message));
  return id;
}

}  // namespace fantrace::cli
