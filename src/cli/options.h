// Command-line options of fantrace, parsed with CLI11. The help text here is
// the manual: every option says what it does and what it defaults to.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "cli/pack_options.h"
#include "cli/store_options.h"
#include "fantrace/result.h"
#include "fantrace/tracer.h"

namespace fantrace::cli {

// kRecord traces like kRun; the other provenance modes only read the
// database; kExit: nothing more to do (filter-template printed its text).
enum class Mode { kRun, kAttach, kRecord, kQuery, kHistory, kShow, kLineage, kDoctor, kShellInit, kShellSession,
                  kSync, kPack, kReplay, kUnpack, kInfo, kExportImage, kExit };

struct Options {
  Mode mode = Mode::kExit;
  int exit_status = 0;                 // for kExit (--help, --version, errors)
  std::vector<std::string> command;    // run
  pid_t attach_pid = 0;                // attach
  std::string output;                  // "" = stderr, "-" = stdout
  std::string format = "text";
  bool summary_only = false;
  bool no_summary = false;
  bool summary_if_incomplete = false;  // the summary only when events were lost (fsatrace)
  std::string user;
  std::optional<std::string> exclude_fs;  // --exclude-fs as given
  bool daemon = false;                 // --daemon: through fantraced even as root
  std::string backend = "auto";        // --backend: ebpf, fanotify or auto
  bool probes = false;                 // --probes: lookups too (added to trace.event_mask)
  TraceOptions trace;
  StoreOptions store;                  // record, query, history, show, lineage
  PackOptions pack;                    // pack, replay, unpack, info, export-image
  std::string shell;                   // shell-init, shell-session: bash or zsh
  bool shell_disable = false;          // shell-init --disable
  std::string shell_fifo;              // shell-session (its shell is attach_pid)
};

// Parses argv. Prints help, version or a usage error itself and returns
// Mode::kExit with the status to exit with in those cases.
Options ParseOptions(int argc, char** argv);

// "64M", "1G", "65536" -> bytes.
Result<uint64_t> ParseSize(const std::string& text);

}  // namespace fantrace::cli
