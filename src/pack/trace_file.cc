#include "pack/trace_file.h"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "pack/json_bytes.h"

namespace fantrace::pack {
namespace {

void AddAll(std::set<std::string>& to, const Json& list) {
  if (!list.is_array()) return;
  for (const Json& item : list)
    if (item.is_string()) to.insert(item.get<std::string>());
}

std::string StringField(const Json& ev, const char* key) {
  auto it = ev.find(key);
  return it != ev.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<TraceFile> ParseTrace(std::string_view text) {
  TraceFile t;
  bool summary = false;
  size_t line_number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if (line.empty()) continue;
    Result<Json> parsed = ParseJsonBytes(line);
    if (!parsed || !parsed->is_object())
      return MakeError(fmt::format("line {} is not a JSON object", line_number));
    const Json& ev = *parsed;
    const std::string type = StringField(ev, "type");
    const std::string path = StringField(ev, "path");
    if (type == "summary") {
      summary = true;
      AddAll(t.executed, ev.value("executed", Json::array()));
      AddAll(t.read, ev.value("read", Json::array()));
      AddAll(t.written, ev.value("written", Json::array()));
      t.exit_code = ev.value("exit_code", 0);
      t.lost = ev.value("lost", uint64_t{0});
      continue;
    }
    ++t.events;
    if (type == "exec") {
      if (t.argv.empty()) t.argv = ev.value("argv", std::vector<std::string>{});
    } else if (type == "open") {
      SeenFile& f = t.seen[path];
      f.dev = ev.value("dev", uint64_t{0});
      f.ino = ev.value("ino", uint64_t{0});
      if (StringField(ev, "access") != "read") t.opened_to_write.insert(path);
    } else if (type == "close") {
      SeenFile& f = t.seen[path];
      if (ev.contains("size")) f.size = ev["size"].get<uint64_t>();
      if (ev.contains("mtime")) f.mtime_ns = ev["mtime"].get<int64_t>();
    } else if (type == "stat") {
      t.probed.insert(path);
    } else if (type == "readdir") {
      t.probed.insert(path);
      t.listed.insert(path);
    } else if (type == "missing") {
      t.missing.insert(path);
    } else if (type == "mkdir") {
      t.made_dirs.insert(path);
    } else if (type == "chroot") {
      t.chroots.insert(path);
    }
  }
  if (!summary) return MakeError("the trace has no summary line: it is incomplete (fantrace failed or was killed)");
  return t;
}

Result<TraceFile> ReadTraceFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(fmt::format("cannot read the trace {}: {}", path, strerror(errno)));
  std::stringstream text;
  text << in.rdbuf();
  Result<TraceFile> t = ParseTrace(text.str());
  if (!t) return MakeError(fmt::format("{}: {}", path, t.error().message));
  return t;
}

}  // namespace fantrace::pack
