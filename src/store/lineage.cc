#include "store/lineage.h"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>
#include <set>
#include <string_view>

namespace fantrace::store {
namespace {

class Builder {
 public:
  Builder(Connection& db, const LineageOptions& options) : db_(db), options_(options) {}

  // Fills `node.writer` from the first of `writers`, expanding it when the
  // depth allows and it was not expanded before.
  Status Attach(LineageFile& node, const std::vector<FileMatch>& writers, int depth) {
    if (writers.empty()) return Ok{};
    const FileMatch& w = writers.front();
    node.match = w.kind;
    node.changed_since = w.changed_since;
    if (depth >= options_.depth) {
      node.depth_limit = true;
      return Ok{};
    }
    Result<std::optional<CommandRecord>> loaded = LoadCommand(db_, w.command_id);
    if (!loaded) return loaded.error();
    if (!*loaded) return Ok{};
    node.writer = std::make_shared<LineageCommand>();
    node.writer->command = std::move(**loaded);
    if (!expanded_.insert(w.command_id).second) {
      node.writer_shown_elsewhere = true;
      return Ok{};
    }
    return Expand(*node.writer, depth + 1);
  }

 private:
  Status Expand(LineageCommand& cmd, int depth) {
    std::set<std::string> listed;  // a script is both executed and read: list it once
    for (const FileRecord& f : cmd.command.files) {
      // Inputs: what it read, and the scripts it ran (their content kept).
      bool input = f.role == FileRole::kRead || (f.role == FileRole::kExecuted && f.captured);
      if (!input || !listed.insert(f.path).second) continue;
      Result<std::vector<FileMatch>> writers = EarlierWriters(f, cmd.command.start_ns);
      if (!writers) return writers.error();
      if (writers->empty() && !options_.all_inputs && IsSystemPath(f.path)) continue;
      LineageFile node;
      node.file = f;
      if (Status st = Attach(node, *writers, depth); !st) return st;
      cmd.inputs.push_back(std::move(node));
    }
    return Ok{};
  }

  // FindEarlierWriters, except for files known to have no writer before
  // a later time: every command reads the same libraries, and on a
  // central store each question is a round trip.
  Result<std::vector<FileMatch>> EarlierWriters(const FileRecord& f, int64_t before_ns) {
    auto key = std::make_tuple(f.path, f.hash, f.size);
    if (auto known = no_writer_before_.find(key); known != no_writer_before_.end() && before_ns <= known->second)
      return std::vector<FileMatch>{};
    Result<std::vector<FileMatch>> writers = FindEarlierWriters(db_, f, before_ns);
    if (writers && writers->empty()) {
      auto [at, added] = no_writer_before_.emplace(key, before_ns);
      if (!added) at->second = std::max(at->second, before_ns);
    }
    return writers;
  }

  Connection& db_;
  const LineageOptions& options_;
  std::set<int64_t> expanded_;
  // (path, hash, size) -> a time before which no command wrote it.
  std::map<std::tuple<std::string, std::optional<std::string>, std::optional<uint64_t>>, int64_t> no_writer_before_;
};

}  // namespace

bool IsSystemPath(const std::string& path) {
  static constexpr std::array<std::string_view, 13> kPrefixes{
      "/usr/", "/lib/", "/lib32/", "/lib64/", "/bin/", "/sbin/", "/etc/",
      "/proc/", "/sys/", "/dev/", "/run/", "/var/cache/", "/var/lib/"};
  for (std::string_view prefix : kPrefixes)
    if (path.starts_with(prefix)) return true;
  return false;
}

Result<LineageFile> BuildLineage(Connection& db, const std::string& path, const LineageOptions& options,
                                 std::string* unreadable) {
  Result<std::vector<FileMatch>> writers = FindFileMatches(db, FileRole::kWritten, path, unreadable);
  if (!writers) return writers.error();
  LineageFile root;
  root.file.role = FileRole::kWritten;
  root.file.path = path;
  if (!writers->empty()) {
    const FileRecord& seen = writers->front().file;
    root.file.size = seen.size;
    root.file.hash = seen.hash;
    root.file.hash_state = seen.hash_state;
  }
  Builder builder(db, options);
  if (Status st = builder.Attach(root, *writers, 0); !st) return st.error();
  return root;
}

}  // namespace fantrace::store
