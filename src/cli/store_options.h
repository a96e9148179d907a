// Options of the provenance subcommands: record (on top of run's trace
// options), query, history, show and lineage. Declared apart from the
// trace options so the run/attach parser stays as it was.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace fantrace::cli {

struct Options;

struct StoreOptions {
  std::string db;  // --db; "" = the default path
  bool json = false;
  // record
  std::optional<std::string> capture;  // --capture LIST as given
  std::string capture_max = "256K";
  bool no_capture = false;
  // query
  std::optional<std::string> wfile, rfile, command, cwd, since, until, host;
  std::optional<int> exit_status;
  std::optional<std::string> restore;
  std::string restore_dir;
  // sync
  std::string sync_to, sync_from;
  // history
  size_t limit = 20;
  // show
  int64_t id = 0;
  // lineage
  std::string file;
  std::string format = "text";
  std::string output;  // "" = standard output
  int depth = 8;
  bool all_inputs = false;
};

struct StoreSubcommands {
  CLI::App* record = nullptr;
  CLI::App* query = nullptr;
  CLI::App* history = nullptr;
  CLI::App* show = nullptr;
  CLI::App* lineage = nullptr;
  CLI::App* sync = nullptr;
};

// Adds the six subcommands to `app`, storing into `o.store`. `record`
// gets no trace options here: the caller adds the ones run has.
StoreSubcommands AddStoreSubcommands(CLI::App& app, Options& o);

// Checks that parsing alone cannot (conflicting or missing options);
// returns the usage error to print, or nullopt.
std::optional<std::string> CheckStoreOptions(const StoreSubcommands& commands, Options& o);

// The extra help of the provenance subcommands, for the main --help footer.
extern const char* const kStoreFooter;

}  // namespace fantrace::cli
