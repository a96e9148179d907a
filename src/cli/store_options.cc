#include "cli/store_options.h"

#include <charconv>
#include <cstdint>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/options.h"

namespace fantrace::cli {
namespace {

constexpr const char* kDbHelp =
    "The provenance database: an SQLite file, or a PostgreSQL store as postgresql://... (default: "
    "$FANTRACE_DB, else a 'db = ...' line in $XDG_CONFIG_HOME/fantrace/config, else "
    "$XDG_DATA_HOME/fantrace/provenance.db, i.e. ~/.local/share/fantrace/provenance.db of the "
    "invoking user, SUDO_USER under sudo)";

void AddDbOption(CLI::App* cmd, StoreOptions& s) { cmd->add_option("--db", s.db, kDbHelp)->type_name("PATH|URI"); }

// A whole number from `min` to `max` named `what` in the message (CLI11's
// own range check prints the limits of a double, and lets "-1" through to
// an unsigned option as its largest value).
CLI::Validator WholeNumber(int64_t min, int64_t max, const std::string& what) {
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        int64_t value = 0;
        const char* end = text.data() + text.size();
        auto [at, ec] = std::from_chars(text.data(), end, value);
        if (ec == std::errc() && at == end && value >= min && value <= max) return {};
        if (max == INT64_MAX) return fmt::format("'{}' is not {} (a whole number, {} or more)", text, what, min);
        return fmt::format("'{}' is not {} (a whole number from {} to {})", text, what, min, max);
      },
      "");
}

// Footers of the reading commands' --help: their own exit statuses and
// examples, not run's (which CLI11 would otherwise copy from the main help).
constexpr const char* kQueryFooter =
    "\nExit status: 0 if a command matched, 1 if none did (or --restore found no kept\n"
    "content), 2 on errors (no database, bad options, an output that cannot be written).\n"
    "\nExamples:\n"
    "  fantrace query --wfile results.csv\n"
    "  fantrace query --rfile data.csv --since 7d --exit-status 0\n"
    "  fantrace query --command 'make *' --cwd ~/proj --json\n"
    "  fantrace query --restore analysis.sh -o /tmp/then\n"
    "\nMore in docs/provenance.md.\n";
constexpr const char* kHistoryFooter =
    "\nExit status: 0, or 2 on errors (no database, bad options).\n"
    "\nExamples:\n"
    "  fantrace history\n"
    "  fantrace history -n 0 --json\n";
constexpr const char* kShowFooter =
    "\nExit status: 0, 1 if there is no command ID, 2 on errors (no database, bad options).\n"
    "\nExample:\n"
    "  fantrace show 42\n";
constexpr const char* kLineageFooter =
    "\nExit status: 0, 1 if no recorded command wrote FILE, 2 on errors (no database, bad\n"
    "options, an output that cannot be written).\n"
    "\nExamples:\n"
    "  fantrace lineage results.csv\n"
    "  fantrace lineage --format dot results.csv | dot -Tsvg > lineage.svg\n"
    "  fantrace lineage --format html -o lineage.html results.csv\n";

constexpr const char* kSyncFooter =
    "\nExit status: 0 when every command is in the central store, 2 on errors (no database,\n"
    "a store that cannot be reached, bad options).\n"
    "\nExamples:\n"
    "  fantrace sync --to postgresql://provenance.example.org/fantrace\n"
    "  fantrace sync --from ~/old.db --to postgresql:///fantrace?host=/run/postgresql\n";

}  // namespace

const char* const kStoreFooter =
    "\nProvenance (docs/provenance.md):\n"
    "  record   run and trace a command like 'run', then store it in the database:\n"
    "           argv, directory, user, host, times, exit status, and every file\n"
    "           read, written, deleted and executed with size, mtime, inode and\n"
    "           content hash; scripts and configuration files are kept whole\n"
    "  query    find commands by file (--wfile/--rfile, by content, then path),\n"
    "           command line, directory, time and exit status; --restore gets a\n"
    "           kept script back\n"
    "  history  the latest recorded commands, one line each\n"
    "  show     one recorded command with all its files\n"
    "  lineage  the chain of commands and files that led to a file\n"
    "           (text, Graphviz DOT, JSON or a standalone HTML page)\n"
    "  sync     copy the commands of a local database into a central PostgreSQL store\n"
    "  export   recorded commands, a query's results or a lineage as W3C PROV\n"
    "           (prov-json, prov-n), an RO-Crate, a Snakefile or a Makefile\n"
    "           (fantrace export --help)\n"
    "  query, show and lineage exit 0 when they found something, 1 when\n"
    "  nothing matched, 2 on errors; history exits 0 or 2.\n"
    "\nProvenance examples:\n"
    "  sudo fantrace record -- ./analysis.sh\n"
    "  fantrace query --wfile results.csv\n"
    "  fantrace query --rfile data.csv --since 7d --exit-status 0\n"
    "  fantrace history -n 10\n"
    "  fantrace show 42\n"
    "  fantrace lineage --format html -o lineage.html results.csv\n"
    "  fantrace query --restore analysis.sh -o /tmp/then\n";

StoreSubcommands AddStoreSubcommands(CLI::App& app, Options& o) {
  StoreOptions& s = o.store;
  StoreSubcommands c;

  c.record = app.add_subcommand(
      "record",
      "Run COMMAND, trace it like 'run', and store what it did in the provenance database. Takes "
      "every option of 'run'; without -o or --format only the summary is printed. Exit status: the "
      "command's, or 2 if the trace or the database failed");
  AddDbOption(c.record, s);
  c.record->add_option("--capture", s.capture,
                       "Keep the content of read or executed files whose name ends with one of these "
                       "suffixes (or is one of these names), comma-separated, besides exec'd scripts. "
                       "Default: .sh,.bash,.py,.R,.r,.pl,.rb,.mk,Makefile,makefile,GNUmakefile,"
                       "CMakeLists.txt,.cmake,.cfg,.conf,.ini,.toml,.yaml,.yml")
      ->type_name("LIST");
  c.record->add_option("--capture-max", s.capture_max,
                       "Keep no content larger than SIZE (suffixes K, M; default 256K)")
      ->type_name("SIZE");
  c.record->add_flag("--no-capture", s.no_capture, "Keep no file contents, only their hashes");

  c.query = app.add_subcommand(
      "query",
      "Find recorded commands. Filters combine (all must hold); newest first. Exit status: 0 if "
      "something matched, 1 if nothing did, 2 on errors");
  AddDbOption(c.query, s);
  c.query->add_option("--wfile", s.wfile,
                      "Commands that wrote FILE: by its current content (hash and size), so a copy or "
                      "a renamed file is found, then by its path (marked 'changed' when the content "
                      "differs from what the command wrote)")
      ->type_name("FILE");
  c.query->add_option("--rfile", s.rfile, "Commands that read FILE, by content, then by path")
      ->type_name("FILE");
  c.query->add_option("--command", s.command,
                      "Command lines containing PATTERN, or matching it as a glob if it has *, ? or [")
      ->type_name("PATTERN");
  c.query->add_option("--cwd", s.cwd, "Commands run in DIR or below it")->type_name("DIR");
  c.query->add_option("--host", s.host, "Commands recorded on HOST (its hostname)")->type_name("HOST");
  c.query->add_option("--since", s.since,
                      "Commands started at or after TIME: YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS]' (local), "
                      "@EPOCH, or an age such as 30m, 2h, 7d")
      ->type_name("TIME");
  c.query->add_option("--until", s.until, "Commands started at or before TIME (as --since)")
      ->type_name("TIME");
  c.query->add_option("--exit-status", s.exit_status, "Commands that exited with STATUS (0-255, as a shell's $?)")
      ->check(WholeNumber(0, 255, "an exit status"))
      ->type_name("STATUS");
  c.query->add_option("--restore", s.restore,
                      "Write the kept content of a script or configuration file, named by its path "
                      "(the newest kept version) or by its hash, into DIR (-o), byte for byte")
      ->type_name("PATH|HASH");
  c.query->add_option("-o,--output-dir", s.restore_dir, "Directory --restore writes into (created if missing)")
      ->type_name("DIR");
  c.query->add_flag("--json", s.json, "Print a JSON array instead of a table");
  c.query->footer(kQueryFooter);

  c.history = app.add_subcommand("history", "List the latest recorded commands, one line each, the newest last");
  c.history->footer(kHistoryFooter);
  AddDbOption(c.history, s);
  c.history->add_option("-n,--count", s.limit, "How many commands (default 20; 0 for all)")
      ->check(WholeNumber(0, INT64_MAX, "a number of commands"))
      ->type_name("N");
  c.history->add_flag("--json", s.json, "Print a JSON array instead of a table");

  c.show = app.add_subcommand("show", "Show one recorded command with all its files");
  c.show->footer(kShowFooter);
  AddDbOption(c.show, s);
  c.show->add_option("id", s.id, "The command's id (as history and query print it)")
      ->required()
      ->check(WholeNumber(1, INT64_MAX, "a command id"))
      ->type_name("ID");
  c.show->add_flag("--json", s.json, "Print a JSON object instead of text");

  c.lineage = app.add_subcommand(
      "lineage",
      "Show where FILE came from: the command that wrote it (found by content, then path), the "
      "files that command read, the commands that wrote those, and so on");
  c.lineage->footer(kLineageFooter);
  AddDbOption(c.lineage, s);
  c.lineage->add_option("file", s.file, "The file to trace back")->required()->type_name("FILE");
  c.lineage->add_option("-f,--format", s.format,
                        "text (an indented tree), dot (Graphviz), json (nodes and edges) or html (a "
                        "standalone page with an interactive graph; no network needed). Default text")
      ->check(CLI::IsMember({"text", "dot", "json", "html"}))
      ->type_name("FORMAT");
  c.lineage->add_option("-o,--output", s.output, "Write to FILE instead of standard output")->type_name("FILE");
  c.lineage->add_option("--depth", s.depth, "Follow at most N commands back (default 8)")
      ->check(CLI::Range(1, 1000))
      ->type_name("N");
  c.lineage->add_flag("--all-inputs", s.all_inputs,
                      "Also list inputs under system directories (/usr, /etc, /lib, ...) that no "
                      "recorded command wrote");
  c.lineage->add_flag("--json", [&s](int64_t) { s.format = "json"; }, "Same as --format json");

  c.sync = app.add_subcommand(
      "sync",
      "Copy the commands of a local database that a central PostgreSQL store does not have yet "
      "(run it again: nothing is copied twice)");
  c.sync->footer(kSyncFooter);
  c.sync->add_option("--to", s.sync_to,
                     "The central store: postgresql://[USER@]HOST/DB (put a password in ~/.pgpass or "
                     "PGPASSFILE, not here: the command line is visible to every user)")
      ->required()
      ->type_name("URI");
  c.sync->add_option("--from", s.sync_from, "The local SQLite database (default: the one record uses)")
      ->type_name("PATH");
  return c;
}

std::optional<std::string> CheckStoreOptions(const StoreSubcommands& c, Options& o) {
  StoreOptions& s = o.store;
  if (c.query->parsed()) {
    if (s.restore && s.restore_dir.empty()) return "--restore needs -o DIR";
    if (!s.restore && !s.restore_dir.empty()) return "-o DIR is for --restore";
    bool filters = s.wfile || s.rfile || s.command || s.cwd || s.host || s.since || s.until || s.exit_status;
    if (s.restore && filters) return "--restore takes no other query options";
    if (s.restore && s.json) return "--restore writes a file, not JSON";
    if (!s.restore && !filters)
      return "query needs at least one of --wfile, --rfile, --command, --cwd, --host, --since, --until, "
             "--exit-status or --restore (use 'fantrace history' to list commands)";
  }
  return std::nullopt;
}

}  // namespace fantrace::cli
