// `fantrace record`: the part of a trace session that feeds the provenance
// database. Opened before the command starts (a database that cannot be
// used stops fantrace before anything runs), fed every event next to the
// summary, and asked to store the command once the tree has ended: then,
// and only then, the files are hashed, so hashing never slows the command.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cli/options.h"
#include "fantrace/event.h"
#include "fantrace/result.h"
#include "lib/summary.h"
#include "store/capture_policy.h"
#include "store/file_facts.h"
#include "store/sqlite.h"

namespace fantrace::cli {

// The database path `o` names, or the invoking user's default; the file and
// its directories are created for that user when missing.
Result<std::string> ResolveDatabase(const StoreOptions& o, bool create);

class Recorder {
 public:
  static Result<std::unique_ptr<Recorder>> Open(const Options& options);

  void Add(const Event& event) { facts_.Add(event); }
  // Hashes the files of `summary` and stores the command in one
  // transaction; returns its id.
  Result<int64_t> Store(const Summary& summary, int64_t start_ns, int64_t end_ns);
  // The same for a command this process did not start (a shell's): its
  // argv and working directory are given; the file facts gathered so far
  // are used and then forgotten, ready for the next command.
  Result<int64_t> StoreCommand(const Summary& summary, int64_t start_ns, int64_t end_ns,
                               const std::vector<std::string>& argv, const std::string& cwd);
  const std::string& path() const { return db_.path(); }

 private:
  Recorder(store::Database db, store::CapturePolicy capture, const Options& options)
      : db_(std::move(db)), capture_(std::move(capture)), options_(options) {}
  store::Database db_;
  store::CapturePolicy capture_;
  const Options& options_;
  store::FileFacts facts_;
};

}  // namespace fantrace::cli
