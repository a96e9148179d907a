#include "store/ro_crate.h"

#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "store/content_hash.h"
#include "store/prov_document.h"
#include "store/shell_words.h"

namespace fantrace::store {
namespace {

using nlohmann::json;

// A string as JSON can carry it: invalid UTF-8 replaced by U+FFFD.
std::string Text(const std::string& s) {
  return json::parse(json(s).dump(-1, ' ', false, json::error_handler_t::replace)).get<std::string>();
}

std::string Relative(const std::string& path, const std::string& base) {
  if (base == "/") return path.substr(1);
  if (path.size() > base.size() && path.starts_with(base) && path[base.size()] == '/')
    return path.substr(base.size() + 1);
  return "external" + path;
}

json Refs(const std::vector<std::string>& ids) {
  json out = json::array();
  for (const std::string& id : ids) out.push_back({{"@id", id}});
  return out;
}

class Builder {
 public:
  Builder(const ExportGraph& g, const RoCrateOptions& o) : g_(g), o_(o) {
    std::map<std::string, int> versions_of_path;
    for (const FileVersion& v : g_.versions) ++versions_of_path[v.file.path];
    for (const FileVersion& v : g_.versions) {
      auto in = o_.included.find(v.id);
      std::string id = in != o_.included.end() ? UriPath(in->second) : "file://" + UriPath(v.file.path);
      if (in == o_.included.end() && versions_of_path[v.file.path] > 1) id += "#" + v.id;
      ids_.push_back(id);
    }
  }

  json Build() {
    json graph = json::array();
    std::vector<std::string> actions, parts;
    for (size_t i = 0; i < g_.commands.size(); ++i) {
      graph.push_back(Action(i));
      actions.push_back(graph.back()["@id"]);
    }
    std::set<size_t> used;
    for (const CommandFlow& f : g_.flows) {
      used.insert(f.read.begin(), f.read.end());
      used.insert(f.written.begin(), f.written.end());
    }
    for (size_t v : used) {
      graph.push_back(File(v));
      parts.push_back(ids_[v]);
    }
    for (auto& [id, entity] : contextual_) graph.push_back(std::move(entity));
    json root = {{"@id", "./"},
                 {"@type", "Dataset"},
                 {"name", fmt::format("Provenance of {} recorded command{}", g_.commands.size(),
                                      g_.commands.size() == 1 ? "" : "s")},
                 {"description", "Commands recorded by fantrace, with the files they read and wrote."},
                 {"datePublished", XsdDateTime(o_.published_ns)},
                 {"conformsTo", {{"@id", kProcessRunCrate}}},
                 {"hasPart", Refs(parts)},
                 {"mentions", Refs(actions)}};
    json descriptor = {{"@id", "ro-crate-metadata.json"},
                       {"@type", "CreativeWork"},
                       {"conformsTo", {{"@id", "https://w3id.org/ro/crate/1.1"}}},
                       {"about", {{"@id", "./"}}}};
    json profile = {{"@id", kProcessRunCrate}, {"@type", "CreativeWork"}, {"name", "Process Run Crate"},
                    {"version", "0.5"}};
    graph.insert(graph.begin(), {descriptor, root, profile});
    return {{"@context", {"https://w3id.org/ro/crate/1.1/context", "https://w3id.org/ro/terms/workflow-run/context"}},
            {"@graph", std::move(graph)}};
  }

 private:
  json Action(size_t i) {
    const CommandRecord& c = g_.commands[i];
    const CommandFlow& flow = g_.flows[i];
    std::vector<std::string> object, result;
    for (size_t v : flow.read) object.push_back(ids_[v]);
    for (size_t v : flow.written) result.push_back(ids_[v]);
    const std::string line = Text(ShellJoin(c.argv));
    json action = {{"@id", fmt::format("#command-{}", c.id)},
                   {"@type", "CreateAction"},
                   {"name", fmt::format("fantrace command #{}: {}", c.id, line)},
                   {"description", Text(fmt::format("{}  (in {} on {}, exit status {})", ShellJoin(c.argv), c.cwd,
                                                    c.hostname, c.exit_status))},
                   {"startTime", XsdDateTime(c.start_ns)},
                   {"endTime", XsdDateTime(c.end_ns)},
                   {"instrument", {{"@id", Program(c, flow)}}},
                   {"agent", {{"@id", Person(c)}}},
                   {"object", Refs(object)},
                   {"result", Refs(result)},
                   {"actionStatus", c.exit_status == 0 ? "http://schema.org/CompletedActionStatus"
                                                       : "http://schema.org/FailedActionStatus"}};
    if (c.exit_status != 0) action["error"] = fmt::format("exit status {}", c.exit_status);
    return action;
  }

  json File(size_t v) {
    const FileRecord& f = g_.versions[v].file;
    json file = {{"@id", ids_[v]},
                 {"@type", "File"},
                 {"name", Text(std::filesystem::path(f.path).filename().string())},
                 {"alternateName", Text(f.path)}};
    if (f.size) file["contentSize"] = std::to_string(*f.size);
    if (f.hash) file["identifier"] = fmt::format("{}:{}", HashScheme{}.algorithm, *f.hash);
    if (f.mtime_ns) file["dateModified"] = XsdDateTime(*f.mtime_ns);
    return file;
  }

  // The program that ran: the executed file named like argv[0] (a script
  // rather than its interpreter), else the first executed, else argv[0].
  std::string Program(const CommandRecord& c, const CommandFlow& flow) {
    std::string path = c.argv.empty() ? "" : c.argv[0];
    const std::string name = std::filesystem::path(path).filename().string();
    std::string first, named;
    for (size_t v : flow.executed) {
      const std::string& exe = g_.versions[v].file.path;
      if (first.empty()) first = exe;
      if (named.empty() && std::filesystem::path(exe).filename() == name) named = exe;
    }
    if (!named.empty()) path = named;
    else if (!first.empty()) path = first;
    const std::string id = "#program-" + HashBytes(path).substr(0, 16);
    if (!contextual_.contains(id))
      contextual_[id] = {{"@id", id},
                         {"@type", "SoftwareApplication"},
                         {"name", Text(std::filesystem::path(path).filename().string())},
                         {"alternateName", Text(path)}};
    return id;
  }

  std::string Person(const CommandRecord& c) {
    const std::string id = "#user-" + UriPath(c.user);
    if (!contextual_.contains(id)) contextual_[id] = {{"@id", id}, {"@type", "Person"}, {"name", Text(c.user)}};
    return id;
  }

  const ExportGraph& g_;
  const RoCrateOptions& o_;
  std::vector<std::string> ids_;  // per version
  std::map<std::string, json> contextual_;
};

}  // namespace

std::map<std::string, std::string> CratePaths(const ExportGraph& graph, const std::string& base) {
  std::map<std::string, std::string> out;
  std::set<std::string> taken;
  for (const FileVersion& v : graph.versions) {
    std::string rel = Relative(v.file.path, base);
    if (!taken.insert(rel).second) rel = "versions/" + v.id + "/" + rel;
    out[v.id] = rel;
  }
  return out;
}

std::string UriPath(const std::string& path) {
  std::string out;
  for (unsigned char c : path) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                c == '_' || c == '~' || c == '/';
    if (keep) out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

nlohmann::json BuildRoCrate(const ExportGraph& graph, const RoCrateOptions& options) {
  return Builder(graph, options).Build();
}

}  // namespace fantrace::store
