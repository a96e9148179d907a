#include "cli/export_crate.h"

#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "store/content_hash.h"
#include "store/queries.h"
#include "store/ro_crate.h"

namespace fantrace::cli {
namespace {

namespace fs = std::filesystem;

bool HasContent(const std::string& path, const store::FileRecord& f) {
  std::error_code ec;
  if (fs::file_size(path, ec) != *f.size || ec) return false;
  Result<std::string> hash = store::HashPath(path, store::HashScheme{});
  return hash && *hash == *f.hash;
}

// Puts the bytes of `f` at `target`; false (and nothing left there) when
// neither the file nor the database has them.
Result<bool> PlaceVersion(store::Database& db, const store::FileRecord& f, const std::string& target) {
  std::error_code ec;
  fs::create_directories(fs::path(target).parent_path(), ec);
  if (ec) return MakeError(fmt::format("cannot create the directory for {}: {}", target, ec.message()));
  if (fs::copy_file(f.path, target, fs::copy_options::overwrite_existing, ec) && HasContent(target, f)) return true;
  fs::remove(target, ec);
  Result<std::optional<std::string>> kept = store::LoadBlob(db, *f.hash);
  if (!kept) return kept.error();
  if (!*kept || (*kept)->size() != *f.size) return false;
  std::ofstream out(target, std::ios::binary | std::ios::trunc);
  out << **kept;
  out.close();
  if (!out) return MakeError(fmt::format("cannot write {}", target));
  return true;
}

}  // namespace

Status WriteCrate(store::Database& db, const store::ExportGraph& graph, const std::string& dir,
                  const std::string& base, bool with_files, int64_t now_ns) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return MakeError(fmt::format("cannot create the directory {}: {}", dir, ec.message()));
  store::RoCrateOptions options;
  options.published_ns = now_ns;
  if (with_files) {
    std::set<size_t> wanted;
    for (const store::CommandFlow& flow : graph.flows) {
      wanted.insert(flow.read.begin(), flow.read.end());
      wanted.insert(flow.written.begin(), flow.written.end());
    }
    const std::map<std::string, std::string> paths = store::CratePaths(graph, base);
    std::vector<std::string> missing;
    for (size_t v : wanted) {
      const store::FileVersion& version = graph.versions[v];
      const std::string& inside = paths.at(version.id);
      bool placed = false;
      if (version.file.hash && version.file.size) {
        Result<bool> done = PlaceVersion(db, version.file, (fs::path(dir) / inside).string());
        if (!done) return done.error();
        placed = *done;
      }
      if (placed) options.included[version.id] = inside;
      else missing.push_back(version.file.path);
    }
    for (const std::string& path : missing)
      fmt::print(stderr,
                 "fantrace: warning: {} is described but not in the crate: its recorded content is neither "
                 "on disk nor kept in the database\n",
                 path);
  }
  const std::string text =
      store::BuildRoCrate(graph, options).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::ofstream out(fs::path(dir) / "ro-crate-metadata.json", std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return MakeError(fmt::format("cannot write {}/ro-crate-metadata.json", dir));
  return Ok{};
}

}  // namespace fantrace::cli
