#include "store/lineage_render.h"

#include <map>
#include <set>

#include <fmt/format.h>

#include "store/time_text.h"

namespace fantrace::store {
namespace {

std::string ShortHash(const std::optional<std::string>& hash) {
  return hash ? hash->substr(0, 12) : std::string("-");
}

std::string FileNote(const LineageFile& f) {
  std::vector<std::string> notes;
  if (f.file.hash) notes.push_back("hash " + ShortHash(f.file.hash));
  if (f.file.hash_state == HashState::kChanged) notes.push_back("changed before it could be hashed");
  if (f.file.captured) notes.push_back("content kept");
  if (f.match == MatchKind::kContent) notes.push_back("writer found by content");
  if (f.match == MatchKind::kPath)
    notes.push_back(f.changed_since ? "writer found by path; content changed since" : "writer found by path");
  if (!f.match) notes.push_back("no recorded writer");
  std::string out;
  for (const std::string& n : notes) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string CommandLine(const LineageCommand& c) {
  return fmt::format("#{} {}  ({}, exit {}, in {})", c.command.id, DisplayCommand(c.command.argv),
                     FormatLocalTime(c.command.start_ns), c.command.exit_status, c.command.cwd);
}

void TextFile(const LineageFile& f, const std::string& indent, bool last, bool root, std::string& out);

void TextCommand(const LineageFile& f, const std::string& indent, std::string& out) {
  out += indent + "└── written by " + CommandLine(*f.writer);
  if (f.writer_shown_elsewhere) {
    out += "  (its inputs are shown above)\n";
    return;
  }
  out += "\n";
  const std::vector<LineageFile>& inputs = f.writer->inputs;
  for (size_t i = 0; i < inputs.size(); ++i) TextFile(inputs[i], indent + "    ", i + 1 == inputs.size(), false, out);
}

void TextFile(const LineageFile& f, const std::string& indent, bool last, bool root, std::string& out) {
  std::string child_indent = indent;
  if (root) {
    out += fmt::format("{}  [{}]\n", f.file.path, FileNote(f));
  } else {
    out += fmt::format("{}{} read {}  [{}]\n", indent, last ? "└──" : "├──", f.file.path, FileNote(f));
    child_indent += last ? "    " : "│   ";
  }
  if (f.writer) TextCommand(f, child_indent, out);
  else if (f.depth_limit) out += child_indent + "└── … (depth limit)\n";
}

class GraphBuilder {
 public:
  nlohmann::json Build(const LineageFile& root) {
    std::string root_id = File(root, 0);
    return {{"root", root_id}, {"nodes", nodes_}, {"edges", edges_}};
  }

 private:
  std::string File(const LineageFile& f, int depth) {
    std::string id = "f:" + f.file.path;
    if (seen_.insert(id).second) {
      nlohmann::json details = {{"path", f.file.path}, {"note", FileNote(f)}};
      if (f.file.hash) details["hash"] = *f.file.hash;
      if (f.file.size) details["size"] = *f.file.size;
      nodes_.push_back({{"id", id}, {"kind", "file"}, {"label", f.file.path}, {"depth", depth},
                        {"details", details}});
    }
    if (f.writer) {
      std::string cmd = Command(*f.writer, depth + 1, !f.writer_shown_elsewhere);
      Edge(cmd, id, "wrote");
    }
    return id;
  }

  std::string Command(const LineageCommand& c, int depth, bool expand) {
    std::string id = fmt::format("c:{}", c.command.id);
    if (seen_.insert(id).second) {
      nlohmann::json details = {{"id", c.command.id},
                                {"argv", c.command.argv},
                                {"cwd", c.command.cwd},
                                {"user", c.command.user},
                                {"host", c.command.hostname},
                                {"start", FormatLocalTime(c.command.start_ns)},
                                {"duration", FormatDuration(c.command.end_ns - c.command.start_ns)},
                                {"exit_status", c.command.exit_status}};
      nodes_.push_back({{"id", id}, {"kind", "command"}, {"label", fmt::format("#{} {}", c.command.id,
                        DisplayCommand(c.command.argv))}, {"depth", depth}, {"details", details}});
    }
    if (expand)
      for (const LineageFile& input : c.inputs) Edge(File(input, depth + 1), id, "read");
    return id;
  }

  void Edge(const std::string& from, const std::string& to, const char* kind) {
    if (edge_seen_.insert(from + "\n" + to).second) edges_.push_back({{"from", from}, {"to", to}, {"kind", kind}});
  }

  nlohmann::json nodes_ = nlohmann::json::array();
  nlohmann::json edges_ = nlohmann::json::array();
  std::set<std::string> seen_;
  std::set<std::string> edge_seen_;
};

std::string DotQuote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string DisplayCommand(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& arg : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !arg.empty() && arg.find_first_of(" \t\n'\"\\$`*?[]{}()<>|&;#~") == std::string::npos;
    if (plain) {
      out += arg;
      continue;
    }
    out += '\'';
    for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

std::string RenderLineageText(const LineageFile& root) {
  std::string out;
  TextFile(root, "", true, true, out);
  return out;
}

nlohmann::json LineageGraph(const LineageFile& root) { return GraphBuilder().Build(root); }

std::string RenderLineageDot(const LineageFile& root) {
  nlohmann::json graph = LineageGraph(root);
  std::string out = "digraph lineage {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n";
  for (const auto& node : graph["nodes"]) {
    bool file = node["kind"] == "file";
    std::string label = node["label"].get<std::string>();
    out += fmt::format("  {} [label={}, shape={}{}];\n", DotQuote(node["id"].get<std::string>()), DotQuote(label),
                       file ? "note" : "box, style=\"rounded,filled\", fillcolor=\"#e8f0fe\"",
                       node["id"] == graph["root"] ? ", penwidth=2" : "");
  }
  for (const auto& edge : graph["edges"])
    out += fmt::format("  {} -> {} [label={}];\n", DotQuote(edge["from"].get<std::string>()),
                       DotQuote(edge["to"].get<std::string>()), DotQuote(edge["kind"].get<std::string>()));
  return out + "}\n";
}

}  // namespace fantrace::store
