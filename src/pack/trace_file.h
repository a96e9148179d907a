// What a fantrace jsonl trace (docs/jsonl.md) says a command needed: the
// programs it executed (and the scripts), the inputs, the outputs and the
// paths it probed, with what the kernel saw of each file (inode, size,
// mtime), so a pack made later can tell which files changed since. Lookup
// events (`stat`, `readdir`, `missing`) are used when the trace has them;
// unknown event types are skipped, as the contract asks.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fantrace/result.h"

namespace fantrace::pack {

struct SeenFile {
  uint64_t dev = 0, ino = 0;      // from the open
  std::optional<uint64_t> size;    // from the last close
  std::optional<int64_t> mtime_ns;
};

struct TraceFile {
  std::vector<std::string> argv;        // the first exec's argv (the command)
  std::set<std::string> executed;       // summary "executed": programs and #! scripts
  std::set<std::string> read;           // summary "read": the inputs
  std::set<std::string> written;        // summary "written": the outputs
  std::set<std::string> opened_to_write; // every open for writing (a replay's outputs,
                                         // which the summary checks against the host)
  std::set<std::string> probed;         // stat / readdir of a path that exists
  std::set<std::string> listed;         // readdir: directories whose entries were read
  std::set<std::string> missing;        // lookups of paths that did not exist
  std::map<std::string, SeenFile> seen; // per opened path
  std::set<std::string> made_dirs;     // mkdir: directories the command created
  std::set<std::string> chroots;        // chroot targets (their paths are below them)
  int exit_code = 0;
  uint64_t lost = 0;
  uint64_t events = 0;
};

// Reads a whole trace; an error if a line is not JSON or the summary line
// (the contract's last line) is missing: such a trace is incomplete.
Result<TraceFile> ReadTraceFile(const std::string& path);

// The same from text (for tests).
Result<TraceFile> ParseTrace(std::string_view text);

}  // namespace fantrace::pack
