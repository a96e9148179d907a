#include "reliability.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace fantrace::rtest {
namespace {

std::vector<std::string> RunArgv(const std::string& output, const std::vector<std::string>& options,
                                 const std::vector<std::string>& command,
                                 const std::vector<std::string>& wrapper) {
  std::vector<std::string> argv = wrapper;
  argv.insert(argv.end(), {FANTRACE_BIN, "run", "--format", "jsonl", "-o", output});
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back("--");
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

// The ids bpftool lists for one object kind ("prog", "map", "link").
std::set<uint32_t> BpftoolIds(const char* kind) {
  std::set<uint32_t> ids;
  itest::ProcessResult r = itest::RunUntraced({"bpftool", "-j", kind, "show"});
  if (r.status != 0) {
    ADD_FAILURE() << "bpftool " << kind << " show: " << r.err;
    return ids;
  }
  Json list = Json::parse(r.out, nullptr, false);
  if (!list.is_array()) return ids;
  for (const Json& object : list)
    if (object.contains("id")) ids.insert(object["id"].get<uint32_t>());
  return ids;
}

std::set<uint32_t> Intersect(const std::set<uint32_t>& a, const std::set<uint32_t>& b) {
  std::set<uint32_t> both;
  for (uint32_t id : a)
    if (b.count(id)) both.insert(id);
  return both;
}

std::string Join(const std::set<uint32_t>& ids) {
  std::string text;
  for (uint32_t id : ids) text += (text.empty() ? "" : ",") + std::to_string(id);
  return text;
}

}  // namespace

bool StressMode() {
  const char* stress = std::getenv("FANTRACE_STRESS");
  return stress && std::string(stress) == "1";
}

int Sized(int reduced, int stress) { return StressMode() ? stress : reduced; }

std::string RProg(const std::string& name) { return std::string(RELIABILITY_PROG_DIR "/") + name; }

std::string BpfIds::Describe() const {
  return "progs {" + Join(progs) + "} maps {" + Join(maps) + "} links {" + Join(links) + "}";
}

BpfIds BpfIdsHeldBy(pid_t pid) {
  BpfIds ids;
  std::string dir = "/proc/" + std::to_string(pid) + "/fdinfo";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::map<std::string, std::string> fields;  // "key:\tvalue" lines
    std::ifstream in(entry.path());
    for (std::string line; std::getline(in, line);) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) fields[line.substr(0, colon)] = line.substr(colon + 1);
    }
    auto id = [&](const char* key) { return static_cast<uint32_t>(std::stoul(fields[key])); };
    // A link's fdinfo names its program too: it is the link that holds it.
    if (fields.count("link_id")) ids.links.insert(id("link_id"));
    else if (fields.count("prog_id")) ids.progs.insert(id("prog_id"));
    else if (fields.count("map_id")) ids.maps.insert(id("map_id"));
  }
  return ids;
}

BpfIds BpfIdsLoaded() {
  return BpfIds{BpftoolIds("prog"), BpftoolIds("map"), BpftoolIds("link")};
}

BpfIds WaitUntilGone(const BpfIds& ours, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    BpfIds loaded = BpfIdsLoaded();
    BpfIds left{Intersect(ours.progs, loaded.progs), Intersect(ours.maps, loaded.maps),
                Intersect(ours.links, loaded.links)};
    if (left.empty() || std::chrono::steady_clock::now() > deadline) return left;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

std::map<std::string, uint32_t> MapNames(const BpfIds& ids) {
  std::map<std::string, uint32_t> names;
  for (uint32_t id : ids.maps) {
    itest::ProcessResult r =
        itest::RunUntraced({"bpftool", "-j", "map", "show", "id", std::to_string(id)});
    Json map = Json::parse(r.out, nullptr, false);
    if (map.is_object() && map.contains("name")) names[map["name"].get<std::string>()] = id;
  }
  return names;
}

long MapEntries(uint32_t id) {
  itest::ProcessResult r =
      itest::RunUntraced({"bpftool", "-j", "map", "dump", "id", std::to_string(id)});
  Json dump = Json::parse(r.out, nullptr, false);
  return dump.is_array() ? static_cast<long>(dump.size()) : -1;
}

bool WaitForFile(const std::string& path, std::chrono::seconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (access(path.c_str(), F_OK) != 0) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

TracedRun::TracedRun(const std::vector<std::string>& command,
                     const std::vector<std::string>& options,
                     const std::vector<std::string>& wrapper)
    : output_path_(output_dir_ / "trace.jsonl"),
      process_(RunArgv(output_path_, options, command, wrapper)) {}

Trace TracedRun::Finish(std::chrono::seconds timeout, bool allow_bad_output) {
  itest::ProcessResult result = process_.Wait(timeout);
  Trace trace{result.status, std::move(result.out), std::move(result.err),
              itest::ReadFile(output_path_), {}};
  std::string error;
  if (auto events = itest::ParseJsonl(trace.jsonl, &error)) {
    trace.events = std::move(*events);
  } else if (!allow_bad_output) {
    ADD_FAILURE() << error << "\nfantrace stderr:\n" << trace.err;
  }
  return trace;
}

std::map<std::string, long> CountByType(const Trace& trace) {
  std::map<std::string, long> counts;
  for (const Json& event : trace.events) {
    std::string type = event.value("type", "");
    if (type != "summary") ++counts[type];
  }
  return counts;
}

long LostInEvents(const Trace& trace) {
  long lost = 0;
  for (const Json& event : trace.Events("lost")) lost += event.value("count", 0L);
  return lost;
}

}  // namespace fantrace::rtest
