// What every export format describes, worked out once: the exported
// commands (oldest first), each distinct file version they touched, which
// command read, ran, wrote and deleted which version, and which earlier
// command produced what a later one read. A file version is a path with
// its content (hash and size): a written one belongs to the command that
// wrote it, and a later command that read the same path with the same
// content read that very version; an input no exported command wrote is
// one version for every command that read it. A file without a hash
// (changed before it could be hashed, deleted, not a regular file) is a
// version of its own for each command that touched it. Plain values; no
// database access.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "store/command_record.h"

namespace fantrace::store {

struct ExportOptions {
  // Keep read files under system directories (IsSystemPath) that no
  // exported command wrote; by default they are left out, as in lineage.
  bool all_inputs = false;
};

struct FileVersion {
  std::string id;   // "version-" and 32 hex digits, stable across exports
  FileRecord file;  // as the first command that touched it saw it
};

struct CommandFlow {
  // Indexes into ExportGraph::versions, in the command's file order.
  std::vector<size_t> read, executed, written, deleted;
  // Indexes into ExportGraph::commands of the earlier commands that wrote
  // what this one read (the latest such writer of each input).
  std::vector<size_t> informants;
};

// A version read under another name than the one written with the same
// content: a copy fantrace did not see (scp, a copy outside the record).
struct ContentCopy {
  size_t used = 0;       // the version read
  size_t generated = 0;  // the version an earlier command wrote
};

struct ExportGraph {
  std::vector<CommandRecord> commands;  // oldest first, with their files
  std::vector<CommandFlow> flows;       // one per command
  std::vector<FileVersion> versions;
  std::vector<ContentCopy> copies;
};

ExportGraph BuildExportGraph(std::vector<CommandRecord> commands, const ExportOptions& options);

// The version identifier of `file` as touched by command `command_id`.
std::string VersionId(const FileRecord& file, int64_t command_id);

}  // namespace fantrace::store
