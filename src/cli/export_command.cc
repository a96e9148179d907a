#include "cli/export_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>
#include <variant>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/as_user.h"
#include "cli/database_target.h"
#include "cli/exit_status.h"
#include "cli/export_crate.h"
#include "store/content_hash.h"
#include "store/export_graph.h"
#include "store/lineage.h"
#include "store/prov_document.h"
#include "store/queries.h"
#include "store/ro_crate.h"
#include "store/schema.h"
#include "store/time_text.h"
#include "store/workflow_rules.h"

namespace fantrace::cli {

namespace {

constexpr int kExitNothing = 1;
namespace fs = std::filesystem;

struct ExportArgs {
  std::string db, format, output, base, lineage;
  std::vector<int64_t> ids;
  std::optional<std::string> command, cwd, since, until, wfile, rfile;
  std::optional<int> exit_status;
  int depth = 8;
  bool all_inputs = false, with_files = false;
  bool Query() const { return command || cwd || since || until || wfile || rfile || exit_status; }
};

constexpr const char* kFooter =
    "\nWhat is exported: the commands with the IDs given, or those a query's filters\n"
    "(--command, --cwd, --since, --until, --exit-status, --wfile, --rfile, as in\n"
    "'fantrace query') select, or those of the lineage of FILE (--lineage).\n"
    "\nFormats:\n"
    "  prov-json  W3C PROV-JSON: commands as Activities, file versions as Entities\n"
    "  prov-n     the same document in W3C PROV-N\n"
    "  ro-crate   an RO-Crate 1.1 Process Run Crate (ro-crate-metadata.json): -o DIR\n"
    "             writes DIR/ro-crate-metadata.json, --with-files copies the files too\n"
    "  snakemake  a Snakefile: one rule per command that wrote a file\n"
    "  makefile   a Makefile (GNU make 4.3) with the same rules\n"
    "\nExit status: 0 exported, 1 nothing to export (no such command, nothing matched,\n"
    "no recorded writer of the lineage's file), 2 on errors (no database, bad options,\n"
    "an output that cannot be written, a name a Snakefile or Makefile cannot hold).\n"
    "\nExamples:\n"
    "  fantrace export -f prov-json 12 13 14 -o run.prov.json\n"
    "  fantrace export -f prov-n --command 'make *' --since 1d\n"
    "  fantrace export -f ro-crate --lineage results.csv --with-files -o crate/\n"
    "  fantrace export -f snakemake --lineage results.csv --base ~/proj -o Snakefile\n"
    "  fantrace export -f makefile --lineage results.csv -o Makefile\n"
    "\nThe mappings are in docs/provenance.md.\n";

int Fail(const std::string& message, int status = kExitUsage) {
  fmt::print(stderr, "fantrace: {}\n", message);
  return status;
}

std::string Canonical(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? path : p.string();
}

int64_t NowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Parses argv into `o`; returns an exit status when there is nothing more
// to do (help, or a usage error already printed).
std::optional<int> Parse(int argc, char** argv, ExportArgs& o) {
  CLI::App app("Export recorded commands as W3C PROV, an RO-Crate, a Snakefile or a Makefile", "fantrace export");
  app.footer(kFooter);
  app.add_option("-f,--format", o.format, "prov-json, prov-n, ro-crate, snakemake or makefile")
      ->required()
      ->check(CLI::IsMember({"prov-json", "prov-n", "ro-crate", "snakemake", "makefile"}))
      ->type_name("FORMAT");
  app.add_option("-o,--output", o.output,
                 "Write to FILE (ro-crate: into the directory DIR, created if missing); default standard output")
      ->type_name("FILE|DIR");
  app.add_option("--db", o.db, "The provenance database (default: as for 'fantrace query')")->type_name("PATH");
  app.add_option("ids", o.ids, "Export these recorded commands")->type_name("ID...")->check(CLI::PositiveNumber);
  app.add_option("--lineage", o.lineage, "Export the commands of the lineage of FILE")->type_name("FILE");
  app.add_option("--depth", o.depth, "With --lineage: follow at most N commands back (default 8)")
      ->check(CLI::Range(1, 1000))
      ->type_name("N");
  app.add_option("--command", o.command, "Commands whose command line contains PATTERN (or matches the glob)")
      ->type_name("PATTERN");
  app.add_option("--cwd", o.cwd, "Commands run in DIR or below")->type_name("DIR");
  app.add_option("--since", o.since, "Commands started at or after TIME (as for query)")->type_name("TIME");
  app.add_option("--until", o.until, "Commands started at or before TIME")->type_name("TIME");
  app.add_option("--exit-status", o.exit_status, "Commands that exited with STATUS")
      ->check(CLI::Range(0, 255))
      ->type_name("STATUS");
  app.add_option("--wfile", o.wfile, "Commands that wrote FILE (by content, then path)")->type_name("FILE");
  app.add_option("--rfile", o.rfile, "Commands that read FILE (by content, then path)")->type_name("FILE");
  app.add_option("--base", o.base,
                 "Write paths under DIR relative to it (snakemake, makefile, ro-crate --with-files); default "
                 "the deepest directory holding every exported command's working directory")
      ->type_name("DIR");
  app.add_flag("--all-inputs", o.all_inputs,
               "Keep inputs under system directories (/usr, /etc, ...) that no exported command wrote");
  app.add_flag("--with-files", o.with_files,
               "ro-crate: copy the files into the crate (those whose content is still the recorded one, on "
               "disk or kept in the database)");
  try {
    app.parse(argc - 1, argv + 1);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : kExitUsage;
  }
  auto usage = [](const std::string& message) {
    fmt::print(stderr, "fantrace: export: {}\nTry 'fantrace export --help' for more information.\n", message);
    return kExitUsage;
  };
  const int sources = !o.ids.empty() + !o.lineage.empty() + o.Query();
  if (sources != 1)
    return usage("give one of: command IDs, query filters (--command, --cwd, --since, --until, --exit-status, "
                 "--wfile, --rfile), or --lineage FILE");
  if (o.with_files && (o.format != "ro-crate" || o.output.empty()))
    return usage("--with-files is for -f ro-crate with -o DIR");
  return std::nullopt;
}

// The commands a query's filters select, newest first, without files.
Result<std::vector<store::CommandRecord>> QueryCommands(store::Database& db, const ExportArgs& o) {
  store::CommandFilter filter;
  filter.command = o.command;
  if (o.cwd) filter.cwd = Canonical(*o.cwd);
  filter.exit_status = o.exit_status;
  for (auto [text, target] : {std::pair{&o.since, &filter.since_ns}, std::pair{&o.until, &filter.until_ns}}) {
    if (!*text) continue;
    Result<int64_t> t = store::ParseTimeSpec(**text, NowNs());
    if (!t) return t.error();
    *target = *t;
  }
  for (auto [file, role] : {std::pair{&o.wfile, store::FileRole::kWritten}, std::pair{&o.rfile, store::FileRole::kRead}}) {
    if (!*file) continue;
    Result<std::vector<store::FileMatch>> found = store::FindFileMatches(db, role, Canonical(**file));
    if (!found) return found.error();
    std::set<int64_t> ids;
    for (const store::FileMatch& m : *found)
      if (!filter.ids || filter.ids->contains(m.command_id)) ids.insert(m.command_id);
    filter.ids = std::move(ids);
  }
  if (filter.ids && filter.ids->empty()) return std::vector<store::CommandRecord>{};
  return store::FindCommands(db, filter);
}

void CollectLineage(const store::LineageFile& node, std::map<int64_t, store::CommandRecord>& out) {
  if (!node.writer) return;
  out.try_emplace(node.writer->command.id, node.writer->command);
  for (const store::LineageFile& input : node.writer->inputs) CollectLineage(input, out);
}

// The commands to export, with their files; an exit status when there are
// none or an error was printed.
std::variant<std::vector<store::CommandRecord>, int> Select(store::Database& db, const ExportArgs& o) {
  std::vector<int64_t> ids = o.ids;
  if (!o.lineage.empty()) {
    const std::string path = Canonical(o.lineage);
    store::LineageOptions options;
    options.depth = o.depth;
    options.all_inputs = o.all_inputs;
    Result<store::LineageFile> root = store::BuildLineage(db, path, options);
    if (!root) return Fail(root.error().message);
    std::map<int64_t, store::CommandRecord> found;
    CollectLineage(*root, found);
    if (found.empty()) return Fail(fmt::format("no recorded command wrote {}", path), kExitNothing);
    std::vector<store::CommandRecord> out;
    for (auto& [id, c] : found) out.push_back(std::move(c));
    return out;
  }
  if (o.Query()) {
    Result<std::vector<store::CommandRecord>> found = QueryCommands(db, o);
    if (!found) return Fail(found.error().message);
    if (found->empty()) return Fail("no recorded command matches", kExitNothing);
    for (const store::CommandRecord& c : *found) ids.push_back(c.id);
  }
  std::vector<store::CommandRecord> out;
  for (int64_t id : std::set<int64_t>(ids.begin(), ids.end())) {
    Result<std::optional<store::CommandRecord>> c = store::LoadCommand(db, id);
    if (!c) return Fail(c.error().message);
    if (!*c) return Fail(fmt::format("no command #{} in {}", id, db.path()), kExitNothing);
    out.push_back(std::move(**c));
  }
  return out;
}

Status WriteText(const std::string& path, const std::string& text) {
  if (path.empty()) {
    if (fwrite(text.data(), 1, text.size(), stdout) != text.size() || fflush(stdout) != 0)
      return MakeError(fmt::format("cannot write to standard output: {}", strerror(errno)));
    return Ok{};
  }
  FILE* f = fopen(path.c_str(), "we");
  if (!f) return MakeError(fmt::format("cannot create {}: {}", path, strerror(errno)));
  bool ok = fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = (fclose(f) == 0) && ok;
  if (!ok) return MakeError(fmt::format("cannot write {}: {}", path, strerror(errno)));
  return Ok{};
}

}  // namespace
}  // namespace fantrace::cli

namespace fantrace::cli {

int RunExport(int argc, char** argv) {
  ExportArgs o;
  if (std::optional<int> done = Parse(argc, argv, o)) return *done;
  StoreOptions store_options;
  store_options.db = o.db;
  Result<DatabaseTarget> target = LocateDatabase(store_options);
  if (!target) return Fail(target.error().message);
  // Under sudo, as the user: their database, their files (as query does).
  if (target->as_user) {
    if (Status st = BecomeUser(*target->as_user); !st) return Fail(st.error().message);
  }
  if (access(target->path.c_str(), F_OK) != 0 && errno == ENOENT)
    return Fail(fmt::format("there is no provenance database at {}; record a command first "
                            "(fantrace record -- COMMAND) or give --db PATH",
                            target->path));
  Result<store::Database> db = store::OpenStore(target->path, false);
  if (!db) return Fail(db.error().message);
  auto selected = Select(*db, o);
  if (const int* status = std::get_if<int>(&selected)) return *status;
  store::ExportOptions graph_options;
  graph_options.all_inputs = o.all_inputs;
  const store::ExportGraph graph =
      store::BuildExportGraph(std::move(std::get<std::vector<store::CommandRecord>>(selected)), graph_options);
  const std::string base = o.base.empty() ? store::CommonDirectory(graph) : Canonical(o.base);

  if (o.format == "ro-crate" && !o.output.empty()) {
    if (Status st = WriteCrate(*db, graph, o.output, base, o.with_files, NowNs()); !st)
      return Fail(st.error().message);
    return 0;
  }
  Result<std::string> text = std::string();
  if (o.format == "prov-json") text = store::ProvJson(store::BuildProvDocument(graph));
  else if (o.format == "prov-n") text = store::ProvN(store::BuildProvDocument(graph));
  else if (o.format == "snakemake") text = store::WriteSnakefile(graph, base);
  else if (o.format == "makefile") text = store::WriteMakefile(graph, base);
  else {
    store::RoCrateOptions crate;
    crate.published_ns = NowNs();
    text = store::BuildRoCrate(graph, crate).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  if (!text) return Fail(text.error().message);
  if (Status st = WriteText(o.output, *text); !st) return Fail(st.error().message);
  return 0;
}

}  // namespace fantrace::cli
