#include "cli/recorder.h"

#include <unistd.h>

#include <charconv>
#include <climits>
#include <filesystem>

#include <fmt/format.h>

#include "lib/progress.h"
#include "store/content_hash.h"
#include "store/db_location.h"
#include "store/file_inspector.h"
#include "store/open_store.h"
#include "store/postgres.h"
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

// The store at `path` (an SQLite file, created for recording when missing
// with directories 0700 and the file 0600, owned by whoever runs this; or
// a PostgreSQL URI), migrated.
Result<std::unique_ptr<store::Connection>> OpenForRecording(const std::string& path) {
  if (!store::IsPostgresUri(path)) {
    if (Status st = store::PrepareDatabaseFile(path); !st) return st.error();
  }
  return store::OpenAnyStore(path, true);
}

// The command id as the user's child wrote it.
Result<int64_t> ParseId(const std::string& text) {
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) return MakeError("no command id came back: " + text);
  return id;
}

}  // namespace

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
  Result<DatabaseTarget> target = LocateDatabase(o.store);
  if (!target) return target.error();
  std::unique_ptr<store::Connection> db;
  if (target->as_user) {
    // Created and migrated now, as the user, so that a database they
    // cannot use stops fantrace before the command runs.
    Result<std::string> checked = RunAsUser(*target->as_user, [&]() -> Result<std::string> {
      Result<std::unique_ptr<store::Connection>> opened = OpenForRecording(target->path);
      if (!opened) return opened.error();
      return std::string();
    });
    if (!checked) return checked.error();
  } else {
    Result<std::unique_ptr<store::Connection>> opened = OpenForRecording(target->path);
    if (!opened) return opened.error();
    db = std::move(*opened);
  }
  return std::unique_ptr<Recorder>(new Recorder(std::move(*target), std::move(db), std::move(capture), o));
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
  Result<int64_t> id = MakeError("not stored");
  if (target_.as_user) {
    // The files are read and the database written by the user's child:
    // a path the command left as a symlink to one of root's files is
    // followed, or not, as the user could.
    Result<std::string> text = RunAsUser(*target_.as_user, [&]() -> Result<std::string> {
      Result<std::unique_ptr<store::Connection>> db = OpenForRecording(target_.path);
      if (!db) return db.error();
      Result<int64_t> stored = InspectAndWrite(summary, r, **db);
      if (!stored) return stored.error();
      return std::to_string(*stored);
    });
    if (!text) id = text.error();
    else id = ParseId(*text);
  } else {
    id = InspectAndWrite(summary, r, *db_);
  }
  facts_ = store::FileFacts();
  if (!id) return MakeError(fmt::format("storing the command in the provenance database failed: {}", id.error().message));
  return id;
}

Result<int64_t> Recorder::InspectAndWrite(const Summary& summary, store::CommandRecord& r, store::Connection& db) {
  const store::HashScheme scheme;
  store::KernelDevices devices;
  // Hashing thousands of files, or a few large ones, takes a while: a
  // terminal sees how far it is.
  Progress progress("hashing files", summary.executed.size() + summary.read.size() + summary.written.size() +
                                         summary.deleted.size());
  auto inspect = [&](store::FileRole role, const std::vector<std::string>& paths) {
    for (const std::string& path : paths) {
      r.files.push_back(store::InspectFile(role, path, facts_, capture_, scheme, devices));
      progress.Step(r.files.back().hash ? r.files.back().size.value_or(0) : 0);
    }
  };
  inspect(store::FileRole::kExecuted, summary.executed);
  inspect(store::FileRole::kRead, summary.read);
  inspect(store::FileRole::kWritten, summary.written);
  inspect(store::FileRole::kDeleted, summary.deleted);
  return store::WriteCommand(db, r, scheme);
}

}  // namespace fantrace::cli
