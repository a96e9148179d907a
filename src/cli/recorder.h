// `fantrace record`: the part of a trace session that feeds the provenance
// database. Opened before the command starts (a database that cannot be
// used stops fantrace before anything runs), fed every event next to the
// summary, and asked to store the command once the tree has ended: then,
// and only then, the files are hashed, so hashing never slows the command.
//
// Under sudo the database and the traced files are the invoking user's to
// control, so a forked child that has become that user (cli/as_user.h)
// creates and opens the database at Open, and at each store hashes the
// files, writes the record and reports the id: the user's own permissions
// decide what fantrace creates, opens and reads. Otherwise the database
// stays open in this process.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/database_target.h"
#include "cli/options.h"
#include "fantrace/event.h"
#include "fantrace/result.h"
#include "lib/summary.h"
#include "store/capture_policy.h"
#include "store/command_record.h"
#include "store/file_facts.h"
#include "store/connection.h"

namespace fantrace::cli {

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
  // Where the store is, fit for messages (no password).
  const std::string& path() const { return shown_; }

 private:
  Recorder(DatabaseTarget target, std::unique_ptr<store::Connection> db, store::CapturePolicy capture,
           const Options& options)
      : target_(std::move(target)), shown_(ShownLocation(target_.path)), db_(std::move(db)), capture_(std::move(capture)), options_(options) {}
  // Hashes the files of `summary` into `record` and writes it to `db`.
  Result<int64_t> InspectAndWrite(const Summary& summary, store::CommandRecord& record, store::Connection& db);

  DatabaseTarget target_;
  std::string shown_;
  std::unique_ptr<store::Connection> db_;  // null when each store opens it as target_.as_user
  store::CapturePolicy capture_;
  const Options& options_;
  store::FileFacts facts_;
};

}  // namespace fantrace::cli
