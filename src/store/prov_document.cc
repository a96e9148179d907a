#include "store/prov_document.h"

#include <ctime>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "store/content_hash.h"
#include "store/shell_words.h"

namespace fantrace::store {
namespace {

ProvValue Str(std::string text) { return {std::move(text), ProvType::kString}; }
ProvValue Int(int64_t v) { return {std::to_string(v), ProvType::kInt}; }
ProvValue Long(int64_t v) { return {std::to_string(v), ProvType::kLong}; }
ProvValue QName(std::string name) { return {std::move(name), ProvType::kQualifiedName}; }
ProvValue Time(int64_t ns) { return {XsdDateTime(ns), ProvType::kDateTime}; }
using Arg = std::pair<std::string, std::optional<ProvValue>>;
Arg Ref(const char* key, std::string id) { return {key, QName(std::move(id))}; }
Arg None(const char* key) { return {key, std::nullopt}; }

std::string CommandName(const CommandRecord& c) { return FantraceName(fmt::format("command-{}", c.id)); }
std::string UserName(const CommandRecord& c) { return FantraceName("user-" + c.user); }
std::string HostName(const CommandRecord& c) { return FantraceName("host-" + c.hostname); }

class Builder {
 public:
  explicit Builder(const ExportGraph& g) : g_(g) {}

  ProvDocument Build() {
    for (const CommandRecord& c : g_.commands) Agents(c);
    for (const CommandRecord& c : g_.commands) Activity(c);
    for (const FileVersion& v : g_.versions) Entity(v);
    for (size_t i = 0; i < g_.commands.size(); ++i) Relations(i);
    for (const ContentCopy& copy : g_.copies)
      Add("wasDerivedFrom", {Ref("prov:generatedEntity", Id(copy.used)), Ref("prov:usedEntity", Id(copy.generated)),
                             None("prov:activity"), None("prov:generation"), None("prov:usage")},
          {{"prov:type", QName("fantrace:ContentCopy")}});
    return std::move(doc_);
  }

 private:
  std::string Id(size_t version) const { return FantraceName(g_.versions[version].id); }

  ProvRecord& Add(std::string kind, std::vector<Arg> args, std::vector<std::pair<std::string, ProvValue>> attrs,
                  std::string id = "") {
    doc_.records.push_back(ProvRecord{std::move(kind), std::move(id), std::move(args), std::move(attrs)});
    return doc_.records.back();
  }

  void Agents(const CommandRecord& c) {
    if (agents_.insert(UserName(c)).second)
      Add("agent", {},
          {{"prov:type", QName("prov:Person")}, {"prov:label", Str(c.user)}, {"fantrace:uid", Long(c.uid)}},
          UserName(c));
    if (agents_.insert(HostName(c)).second)
      Add("agent", {}, {{"prov:type", QName("fantrace:Host")}, {"prov:label", Str(c.hostname)}}, HostName(c));
  }

  void Activity(const CommandRecord& c) {
    Add("activity", {{"prov:startTime", Time(c.start_ns)}, {"prov:endTime", Time(c.end_ns)}},
        {{"prov:type", QName("fantrace:Command")},
         {"prov:label", Str(ShellJoin(c.argv))},
         {"fantrace:commandId", Long(c.id)},
         {"fantrace:argv", Str(nlohmann::json(c.argv).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))},
         {"fantrace:cwd", Str(c.cwd)},
         {"fantrace:exitStatus", Int(c.exit_status)},
         {"fantrace:user", Str(c.user)},
         {"fantrace:uid", Long(c.uid)},
         {"fantrace:host", Str(c.hostname)},
         {"fantrace:events", Long(static_cast<int64_t>(c.events))},
         {"fantrace:lostEvents", Long(static_cast<int64_t>(c.lost))},
         {"fantrace:fantraceVersion", Str(c.fantrace_version)}},
        CommandName(c));
  }

  void Entity(const FileVersion& v) {
    const FileRecord& f = v.file;
    std::vector<std::pair<std::string, ProvValue>> attrs{
        {"prov:type", QName("fantrace:File")}, {"prov:label", Str(f.path)}, {"fantrace:path", Str(f.path)}};
    if (f.size) attrs.push_back({"fantrace:size", Long(static_cast<int64_t>(*f.size))});
    if (f.hash) {
      attrs.push_back({"fantrace:hash", Str(*f.hash)});
      attrs.push_back({"fantrace:hashAlgorithm", Str(HashScheme{}.algorithm)});
    }
    attrs.push_back({"fantrace:hashState", Str(HashStateName(f.hash_state))});
    if (f.mtime_ns) attrs.push_back({"fantrace:mtime", Time(*f.mtime_ns)});
    if (f.captured) attrs.push_back({"fantrace:keptContent", Str(*f.captured)});
    Add("entity", {}, std::move(attrs), Id(VersionIndex(v)));
  }

  size_t VersionIndex(const FileVersion& v) const { return static_cast<size_t>(&v - g_.versions.data()); }

  void Relations(size_t i) {
    const CommandRecord& c = g_.commands[i];
    const CommandFlow& flow = g_.flows[i];
    const std::string a = CommandName(c);
    Add("wasAssociatedWith", {Ref("prov:activity", a), Ref("prov:agent", UserName(c)), None("prov:plan")},
        {{"prov:role", QName("fantrace:invoker")}});
    Add("wasAssociatedWith", {Ref("prov:activity", a), Ref("prov:agent", HostName(c)), None("prov:plan")},
        {{"prov:role", QName("fantrace:host")}});
    for (auto [list, role] : {std::pair{&flow.read, "fantrace:read"}, std::pair{&flow.executed, "fantrace:executed"}})
      for (size_t v : *list)
        Add("used", {Ref("prov:activity", a), Ref("prov:entity", Id(v)), None("prov:time")},
            {{"prov:role", QName(role)}});
    for (size_t v : flow.written)
      Add("wasGeneratedBy", {Ref("prov:entity", Id(v)), Ref("prov:activity", a), None("prov:time")}, {});
    for (size_t v : flow.deleted)
      Add("wasInvalidatedBy", {Ref("prov:entity", Id(v)), Ref("prov:activity", a), None("prov:time")}, {});
    for (size_t informant : flow.informants)
      Add("wasInformedBy", {Ref("prov:informed", a), Ref("prov:informant", CommandName(g_.commands[informant]))}, {});
    for (size_t out : flow.written)
      for (size_t in : flow.read)
        if (in != out)
          Add("wasDerivedFrom", {Ref("prov:generatedEntity", Id(out)), Ref("prov:usedEntity", Id(in)),
                                 Ref("prov:activity", a), None("prov:generation"), None("prov:usage")},
              {});
  }

  const ExportGraph& g_;
  ProvDocument doc_;
  std::set<std::string> agents_;
};

}  // namespace

std::string FantraceName(std::string_view text) {
  std::string out = "fantrace:";
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                (c == '-' && i > 0) || (c == '.' && i > 0 && i + 1 < text.size());
    if (keep) out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string XsdDateTime(int64_t ns) {
  int64_t secs = ns / 1'000'000'000, frac = ns % 1'000'000'000;
  if (frac < 0) {
    frac += 1'000'000'000;
    --secs;
  }
  time_t t = static_cast<time_t>(secs);
  struct tm tm;
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
}

ProvDocument BuildProvDocument(const ExportGraph& graph) { return Builder(graph).Build(); }

}  // namespace fantrace::store
