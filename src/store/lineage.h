// The chain back from a file: the command that wrote it, the files that
// command read, the commands that wrote those, and so on to a depth limit.
// Writers are found by content (hash and size) first, then by path, among
// commands that started before the reader. A command met twice is
// expanded once. By default, inputs under system directories (/usr, /etc,
// /lib, ...) that no recorded command wrote are left out: every program
// reads its shared libraries, and listing them hides the data flow.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fantrace/result.h"
#include "store/command_record.h"
#include "store/queries.h"
#include "store/connection.h"

namespace fantrace::store {

struct LineageCommand;

struct LineageFile {
  FileRecord file;                  // as the reading (or, for the root, writing) command saw it
  std::optional<MatchKind> match;   // how its writer was found
  bool changed_since = false;       // found by path, but the content differs
  std::shared_ptr<LineageCommand> writer;  // null: no recorded writer
  bool writer_shown_elsewhere = false;     // writer expanded at another place in the tree
  bool depth_limit = false;                // a writer exists but the depth limit stopped here
};

struct LineageCommand {
  CommandRecord command;  // with its files
  std::vector<LineageFile> inputs;
};

struct LineageOptions {
  int depth = 8;            // commands deep
  bool all_inputs = false;  // keep unwritten system inputs too
};

// The lineage of the file at `path` (absolute, canonical). A file nothing
// recorded wrote yields a root without a writer. `unreadable` as for
// FindFileMatches: why the file exists but could not be read, if so.
Result<LineageFile> BuildLineage(Connection& db, const std::string& path, const LineageOptions& options,
                                 std::string* unreadable = nullptr);

// True for paths under the system directories the default view omits.
bool IsSystemPath(const std::string& path);

}  // namespace fantrace::store
