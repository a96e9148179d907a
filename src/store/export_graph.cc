#include "store/export_graph.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "store/content_hash.h"
#include "store/lineage.h"

namespace fantrace::store {
namespace {

bool SameContent(const FileRecord& a, const FileRecord& b) {
  return a.hash && b.hash && *a.hash == *b.hash && a.size == b.size;
}

// How well a file `w` an earlier command wrote explains the file `r` a
// later one read: 3 the same path and content (the very version), 2 the
// same content elsewhere, 1 the same path where a hash is missing to
// compare, 0 not at all.
int MatchRank(const FileRecord& r, const FileRecord& w) {
  const bool same_path = r.path == w.path;
  if (SameContent(r, w)) return same_path ? 3 : 2;
  if (same_path && (!r.hash || !w.hash)) return 1;
  return 0;
}

class Builder {
 public:
  Builder(ExportGraph& g, const ExportOptions& options) : g_(g), options_(options) {
    for (const CommandRecord& c : g_.commands)
      for (const FileRecord& f : c.files)
        if (f.role == FileRole::kWritten) written_paths_.insert(f.path);
  }

  void Run() {
    for (size_t i = 0; i < g_.commands.size(); ++i) {
      g_.flows.emplace_back();
      for (const FileRecord& f : g_.commands[i].files) {
        if (f.role == FileRole::kRead && !options_.all_inputs && IsSystemPath(f.path) &&
            !written_paths_.contains(f.path))
          continue;
        CommandFlow& flow = g_.flows[i];
        switch (f.role) {
          case FileRole::kRead: flow.read.push_back(Input(i, f)); break;
          case FileRole::kExecuted: flow.executed.push_back(Input(i, f)); break;
          case FileRole::kWritten: flow.written.push_back(Version(f, g_.commands[i].id)); break;
          case FileRole::kDeleted: flow.deleted.push_back(Version(f, g_.commands[i].id)); break;
        }
      }
    }
  }

 private:
  size_t Version(const FileRecord& f, int64_t command_id) {
    std::string id = VersionId(f, command_id);
    auto [it, added] = index_.try_emplace(id, g_.versions.size());
    if (added) g_.versions.push_back(FileVersion{id, f});
    return it->second;
  }

  // The version command `i` read or ran as `f`: the one the latest earlier
  // command wrote at the same path with the same content, if any, else a
  // version of its own. Links that writer (or the best other match) as an
  // informant of `i`.
  size_t Input(size_t i, const FileRecord& f) {
    std::optional<size_t> best_cmd, best_version;
    int best = 0;
    for (size_t a = 0; a < i; ++a) {
      if (g_.commands[a].start_ns > g_.commands[i].start_ns) continue;
      for (size_t w : g_.flows[a].written) {
        int rank = MatchRank(f, g_.versions[w].file);
        if (rank > 0 && rank >= best) {  // later commands win ties
          best = rank;
          best_cmd = a;
          best_version = w;
        }
      }
    }
    const size_t v = best == 3 ? *best_version : Version(f, g_.commands[i].id);
    if (!best_cmd) return v;
    std::vector<size_t>& informants = g_.flows[i].informants;
    if (std::find(informants.begin(), informants.end(), *best_cmd) == informants.end())
      informants.push_back(*best_cmd);
    if (best == 2 && copied_.insert({v, *best_version}).second) g_.copies.push_back(ContentCopy{v, *best_version});
    return v;
  }

  ExportGraph& g_;
  const ExportOptions& options_;
  std::set<std::string> written_paths_;
  std::map<std::string, size_t> index_;
  std::set<std::pair<size_t, size_t>> copied_;
};

}  // namespace

std::string VersionId(const FileRecord& f, int64_t command_id) {
  std::string key;
  // Written versions are their command's own (an entity has one
  // generation); a read one is identified by its content wherever it came from.
  if (f.hash && f.size && f.role != FileRole::kWritten)
    key = "content\n" + f.path + "\n" + *f.hash + "\n" + std::to_string(*f.size);
  else if (f.hash && f.size)
    key = "written\n" + f.path + "\n" + *f.hash + "\n" + std::to_string(*f.size) + "\n" + std::to_string(command_id);
  else
    key = "unhashed\n" + f.path + "\n" + std::to_string(command_id) + "\n" + FileRoleName(f.role);
  return "version-" + HashBytes(key);
}

ExportGraph BuildExportGraph(std::vector<CommandRecord> commands, const ExportOptions& options) {
  ExportGraph g;
  g.commands = std::move(commands);
  std::stable_sort(g.commands.begin(), g.commands.end(), [](const CommandRecord& a, const CommandRecord& b) {
    return a.start_ns != b.start_ns ? a.start_ns < b.start_ns : a.id < b.id;
  });
  Builder(g, options).Run();
  return g;
}

}  // namespace fantrace::store
