// Options of the reproduction subcommands: pack, replay, unpack, info and
// export-image (docs/pack.md). Declared apart from the trace options so the
// run/attach parser stays as it was; pack reuses run's --user.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace fantrace::cli {

struct Options;

struct PackOptions {
  std::string output;                  // pack, export-image: -o
  std::optional<std::string> from;     // pack --from TRACE.jsonl
  std::string cwd;                     // pack --from: the command's directory (default: ours)
  std::string trace;                   // pack: keep the jsonl trace here
  std::string buffer_size;             // pack: --buffer-size
  bool no_package_files = false;
  std::vector<std::string> env_exclude;
  bool no_default_env_exclude = false;
  bool image = false;                  // pack --image: an OCI archive instead of a bundle
  std::string tag = "fantrace-replay:latest";
  std::string bundle;                  // replay, unpack, info, export-image
  std::string dir;                     // unpack
  std::vector<std::string> inputs;     // replay --input ORIGINAL=NEWFILE
  std::string output_dir;              // replay
  bool verify = false;
  bool network = false;
  bool keep = false;                   // replay: keep the unpacked root
  std::string report;                  // replay: findings as JSON
  std::vector<std::string> argv;       // replay -- NEW ARGV
};

struct PackSubcommands {
  CLI::App* pack = nullptr;
  CLI::App* replay = nullptr;
  CLI::App* unpack = nullptr;
  CLI::App* info = nullptr;
  CLI::App* export_image = nullptr;
  bool parsed() const;
};

PackSubcommands AddPackSubcommands(CLI::App& app, Options& o);

// After parsing: sets o.mode for the subcommand given, takes the command
// (pack) or the new argv (replay) from `after_dashes`, and returns the
// usage error to print, if any.
std::optional<std::string> FinishPackOptions(const PackSubcommands& commands, Options& o,
                                             const std::vector<std::string>& after_dashes);

// The extra help of these subcommands, for the main --help footer.
extern const char* const kPackFooter;

}  // namespace fantrace::cli
