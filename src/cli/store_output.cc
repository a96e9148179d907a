#include "cli/store_output.h"

#include <algorithm>

#include <fmt/format.h>

#include "store/lineage_render.h"
#include "store/time_text.h"

namespace fantrace::cli {
namespace {

std::string SizeText(const std::optional<uint64_t>& size) {
  if (!size) return "-";
  if (*size < 10'000) return std::to_string(*size);
  if (*size < 10'000'000) return fmt::format("{}K", *size >> 10);
  return fmt::format("{}M", *size >> 20);
}

std::string MatchText(const store::FileMatch& m) {
  if (m.kind == store::MatchKind::kContent) return "content";
  return m.changed_since ? "path (changed since)" : "path";
}

std::vector<std::string> CommandCells(const store::CommandRecord& c) {
  return {std::to_string(c.id), store::FormatLocalTime(c.start_ns), store::FormatDuration(c.end_ns - c.start_ns),
          std::to_string(c.exit_status), c.cwd, store::DisplayCommand(c.argv)};
}

}  // namespace

nlohmann::json FileJson(const store::FileRecord& f) {
  nlohmann::json j = {{"role", store::FileRoleName(f.role)}, {"path", f.path},
                      {"hash_state", store::HashStateName(f.hash_state)}};
  j["size"] = f.size ? nlohmann::json(*f.size) : nlohmann::json(nullptr);
  j["mtime_ns"] = f.mtime_ns ? nlohmann::json(*f.mtime_ns) : nlohmann::json(nullptr);
  j["dev"] = f.dev ? nlohmann::json(*f.dev) : nlohmann::json(nullptr);
  j["ino"] = f.ino ? nlohmann::json(*f.ino) : nlohmann::json(nullptr);
  j["hash"] = f.hash ? nlohmann::json(*f.hash) : nlohmann::json(nullptr);
  j["captured"] = f.captured ? nlohmann::json(*f.captured) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json CommandJson(const store::CommandRecord& c) {
  nlohmann::json j = {{"id", c.id},
                      {"argv", c.argv},
                      {"cwd", c.cwd},
                      {"user", c.user},
                      {"uid", c.uid},
                      {"hostname", c.hostname},
                      {"start_ns", c.start_ns},
                      {"end_ns", c.end_ns},
                      {"start", store::FormatLocalTime(c.start_ns)},
                      {"exit_status", c.exit_status},
                      {"events", c.events},
                      {"lost", c.lost},
                      {"fantrace_version", c.fantrace_version}};
  if (!c.files.empty()) {
    j["files"] = nlohmann::json::array();
    for (const store::FileRecord& f : c.files) j["files"].push_back(FileJson(f));
  }
  return j;
}

nlohmann::json MatchJson(const store::FileMatch& m) {
  return {{"match", m.kind == store::MatchKind::kContent ? "content" : "path"},
          {"changed_since", m.changed_since},
          {"same_path", m.same_path},
          {"file", FileJson(m.file)}};
}

std::string FormatTable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) {
      if (width.size() <= i) width.push_back(0);
      width[i] = std::max(width[i], row[i].size());
    }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  return out;
}

std::string HistoryTable(const std::vector<store::CommandRecord>& commands) {
  std::vector<std::vector<std::string>> rows{{"ID", "STARTED", "TOOK", "EXIT", "DIRECTORY", "COMMAND"}};
  for (const store::CommandRecord& c : commands) rows.push_back(CommandCells(c));
  return FormatTable(rows);
}

std::string QueryTable(const std::vector<store::CommandRecord>& commands,
                       const std::vector<std::vector<store::FileMatch>>& matches) {
  bool with_matches = !matches.empty();
  std::vector<std::vector<std::string>> rows{{"ID", "STARTED", "TOOK", "EXIT", "DIRECTORY", "COMMAND"}};
  if (with_matches) rows[0].insert(rows[0].begin() + 4, {"MATCH", "AS"});
  for (size_t i = 0; i < commands.size(); ++i) {
    std::vector<std::string> cells = CommandCells(commands[i]);
    if (with_matches) {
      const store::FileMatch& m = matches[i].front();
      cells.insert(cells.begin() + 4, {MatchText(m), m.file.path});
    }
    rows.push_back(std::move(cells));
  }
  return FormatTable(rows);
}

std::string ShowText(const store::CommandRecord& c) {
  std::string out = fmt::format("Command #{}\n", c.id);
  std::vector<std::vector<std::string>> head{
      {"  command:", store::DisplayCommand(c.argv)},
      {"  directory:", c.cwd},
      {"  user:", fmt::format("{} (uid {}) on {}", c.user, c.uid, c.hostname)},
      {"  started:", store::FormatLocalTime(c.start_ns)},
      {"  took:", store::FormatDuration(c.end_ns - c.start_ns)},
      {"  exit status:", std::to_string(c.exit_status)},
      {"  events:", fmt::format("{} ({} lost)", c.events, c.lost)},
      {"  recorded by:", "fantrace " + c.fantrace_version}};
  out += FormatTable(head);
  out += fmt::format("\nFiles ({}):\n", c.files.size());
  std::vector<std::vector<std::string>> rows{{"  ROLE", "SIZE", "HASH", "STATE", "PATH"}};
  for (const store::FileRecord& f : c.files) {
    std::string state = f.hash_state == store::HashState::kChanged ? "changed before it could be hashed"
                                                                   : store::HashStateName(f.hash_state);
    if (f.captured) state += ", content kept";
    rows.push_back({std::string("  ") + store::FileRoleName(f.role), SizeText(f.size),
                    f.hash ? f.hash->substr(0, 16) : "-", state, f.path});
  }
  out += FormatTable(rows);
  return out;
}

void PrintJson(FILE* out, const nlohmann::json& value) {
  fmt::print(out, "{}\n", value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace fantrace::cli
