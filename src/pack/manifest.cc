#include "pack/manifest.h"

#include <fmt/format.h>

#include "pack/json_bytes.h"

namespace fantrace::pack {
namespace {

Json Strings(const std::vector<std::string>& list) {
  Json out = Json::array();
  for (const std::string& s : list) out.push_back(JsonSafe(s));
  return out;
}

Json FileJson(const FileEntry& f) {
  Json j = {{"path", JsonSafe(f.path)}, {"type", f.type},       {"role", RoleName(f.role)},
            {"mode", f.mode},           {"uid", f.uid},         {"gid", f.gid},
            {"owner", JsonSafe(f.owner)}, {"group", JsonSafe(f.group)}, {"mtime_ns", f.mtime_ns},
            {"included", f.included}};
  if (f.type == "file") {
    j["size"] = f.size;
    j["hash"] = f.hash;
  }
  if (f.type == "symlink") j["target"] = JsonSafe(f.target);
  if (f.package) j["package"] = {{"name", f.package->name}, {"version", f.package->version}, {"arch", f.package->arch}};
  if (!f.changed.empty()) j["changed"] = f.changed;
  return j;
}

FileEntry FileFromJson(const Json& j) {
  FileEntry f;
  f.path = j.at("path").get<std::string>();
  f.type = j.at("type").get<std::string>();
  f.role = RoleFromName(j.value("role", "path"));
  f.size = j.value("size", uint64_t{0});
  f.mode = j.value("mode", 0u);
  f.uid = j.value("uid", 0u);
  f.gid = j.value("gid", 0u);
  f.owner = j.value("owner", "");
  f.group = j.value("group", "");
  f.mtime_ns = j.value("mtime_ns", int64_t{0});
  f.hash = j.value("hash", "");
  f.target = j.value("target", "");
  f.included = j.value("included", true);
  f.changed = j.value("changed", "");
  if (j.contains("package")) {
    const Json& p = j["package"];
    f.package = PackageRef{p.value("name", ""), p.value("version", ""), p.value("arch", "")};
  }
  return f;
}

}  // namespace

std::string ManifestToJson(const Manifest& m) {
  Json env = Json::object();
  for (const auto& [name, value] : m.env) env[JsonSafe(name)] = JsonSafe(value);
  Json files = Json::array();
  for (const FileEntry& f : m.files) files.push_back(FileJson(f));
  Json outputs = Json::array();
  for (const OutputEntry& o : m.outputs)
    outputs.push_back({{"path", JsonSafe(o.path)}, {"size", o.size}, {"mode", o.mode}, {"hash", o.hash}});
  Json j = {
      {"format", "fantrace-pack"},
      {"version", m.version},
      {"fantrace_version", m.fantrace_version},
      {"created_ns", m.created_ns},
      {"source", m.source},
      {"hash_algorithm", kHashAlgorithm},
      {"command",
       {{"argv", Strings(m.argv)},
        {"cwd", JsonSafe(m.cwd)},
        {"uid", m.uid},
        {"gid", m.gid},
        {"user", JsonSafe(m.user)},
        {"env", env},
        {"env_excluded", Strings(m.env_excluded)},
        {"exit_status", m.exit_status}}},
      {"machine",
       {{"hostname", JsonSafe(m.hostname)},
        {"kernel_release", m.kernel_release},
        {"architecture", m.machine},
        {"distribution", m.distribution}}},
      {"lost_events", m.lost},
      {"files", files},
      {"outputs", outputs},
      {"absent", Strings(m.absent)},
  };
  return DumpJsonBytes(j, 1) + "\n";
}

Result<Manifest> ManifestFromJson(std::string_view text) {
  Result<Json> parsed = ParseJsonBytes(text);
  if (!parsed || !parsed->is_object()) return MakeError("the manifest is not a JSON object");
  const Json& j = *parsed;
  if (j.value("format", "") != "fantrace-pack") return MakeError("the manifest is not a fantrace bundle's");
  Manifest m;
  try {
    m.version = j.at("version").get<int>();
    if (m.version > kManifestVersion)
      return MakeError(fmt::format("the bundle's format version {} is newer than this fantrace's ({}): update fantrace",
                                   m.version, kManifestVersion));
    m.fantrace_version = j.value("fantrace_version", "");
    m.created_ns = j.value("created_ns", int64_t{0});
    m.source = j.value("source", "");
    const Json& c = j.at("command");
    m.argv = c.at("argv").get<std::vector<std::string>>();
    m.cwd = c.at("cwd").get<std::string>();
    m.uid = c.value("uid", 0u);
    m.gid = c.value("gid", 0u);
    m.user = c.value("user", "");
    for (auto& [name, value] : c.at("env").items()) m.env.emplace_back(name, value.get<std::string>());
    m.env_excluded = c.value("env_excluded", std::vector<std::string>{});
    m.exit_status = c.value("exit_status", 0);
    const Json& h = j.at("machine");
    m.hostname = h.value("hostname", "");
    m.kernel_release = h.value("kernel_release", "");
    m.machine = h.value("architecture", "");
    m.distribution = h.value("distribution", "");
    m.lost = j.value("lost_events", uint64_t{0});
    for (const Json& f : j.at("files")) m.files.push_back(FileFromJson(f));
    for (const Json& o : j.at("outputs"))
      m.outputs.push_back(OutputEntry{o.at("path").get<std::string>(), o.value("size", uint64_t{0}),
                                      o.value("mode", 0u), o.value("hash", "")});
    m.absent = j.value("absent", std::vector<std::string>{});
  } catch (const Json::exception& e) {
    return MakeError(fmt::format("the manifest is malformed: {}", e.what()));
  }
  return m;
}

}  // namespace fantrace::pack
