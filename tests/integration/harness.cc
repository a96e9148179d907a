#include "harness.h"

#include <gtest/gtest.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <thread>

namespace fantrace::itest {
namespace {

std::string StringField(const Json& event, const char* key) {
  auto it = event.find(key);
  return it != event.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool AnyStringUnder(const Json& value, std::string_view dir) {
  if (value.is_string()) return IsUnder(value.get_ref<const std::string&>(), dir);
  if (!value.is_structured()) return false;
  return std::any_of(value.begin(), value.end(),
                     [&](const Json& child) { return AnyStringUnder(child, dir); });
}

std::optional<Json> OnlyOne(std::vector<Json> found, std::string_view type,
                            std::string_view what, const Trace& trace) {
  if (found.size() == 1) return std::move(found[0]);
  ADD_FAILURE() << found.size() << " \"" << type << "\" events for " << what
                << " where one was expected; the trace:\n" << trace.jsonl;
  return std::nullopt;
}

// The tests run fantrace as root for nobody in particular; the tests of
// the sudo case set sudo's variables themselves. Left from a caller's
// `sudo scripts/test`, they would make every traced command run as that
// user, inside the tests' root-only temporary directories.
const bool kSudoVariablesCleared = [] {
  for (const char* name : {"SUDO_UID", "SUDO_GID", "SUDO_USER", "SUDO_COMMAND"}) unsetenv(name);
  return true;
}();

}  // namespace

bool KernelDecodesUring() {
  utsname u{};
  int major = 0, minor = 0;
  if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &major, &minor) != 2) return true;
  return major > 5 || (major == 5 && minor >= 19);
}

std::string Prog(std::string_view name) { return std::string(PROG_DIR "/") + std::string(name); }

bool IsUnder(std::string_view path, std::string_view dir) {
  return path == dir || (path.size() > dir.size() && path.substr(0, dir.size()) == dir &&
                         path[dir.size()] == '/');
}

Paths NumberedFiles(const TempDir& dir, std::string_view prefix, int count) {
  Paths paths;
  for (int i = 0; i < count; ++i) paths.push_back(dir / (std::string(prefix) + std::to_string(i)));
  std::sort(paths.begin(), paths.end());
  return paths;
}

Paths Missing(const Paths& expected, const Paths& actual) {
  Paths missing;
  std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(),
                      std::back_inserter(missing));
  return missing;
}

std::string Head(const Paths& paths) {
  constexpr size_t kShown = 5;
  std::string text;
  for (size_t i = 0; i < paths.size() && i < kShown; ++i) text += "  " + paths[i] + "\n";
  if (paths.size() > kShown) text += "  ... " + std::to_string(paths.size() - kShown) + " more\n";
  return text;
}

std::vector<Json> Trace::Events(std::string_view type) const {
  std::vector<Json> found;
  for (const Json& event : events)
    if (StringField(event, "type") == type) found.push_back(event);
  return found;
}

std::vector<Json> Trace::EventsAt(std::string_view type, std::string_view path) const {
  std::vector<Json> found;
  for (const Json& event : Events(type))
    if (StringField(event, "path") == path) found.push_back(event);
  return found;
}

std::vector<Json> Trace::EventsAtPath(std::string_view path) const {
  std::vector<Json> found;
  for (const Json& event : events)
    if (StringField(event, "path") == path) found.push_back(event);
  return found;
}

std::vector<Json> Trace::EventsOf(std::string_view type, long pid) const {
  std::vector<Json> found;
  for (const Json& event : Events(type))
    if (event.value("pid", -1L) == pid) found.push_back(event);
  return found;
}

std::optional<Json> Trace::OnlyEventAt(std::string_view type, std::string_view path) const {
  return OnlyOne(EventsAt(type, path), type, path, *this);
}

std::optional<Json> Trace::OnlyEventOf(std::string_view type, long pid) const {
  return OnlyOne(EventsOf(type, pid), type, "pid " + std::to_string(pid), *this);
}

const Json& Trace::Summary() const {
  static const Json kEmpty = Json::object();
  if (events.empty() || StringField(events.back(), "type") != "summary") {
    ADD_FAILURE() << "the last jsonl line is not the summary";
    return kEmpty;
  }
  return events.back();
}

Paths Trace::Listed(std::string_view list) const {
  Paths paths;
  const Json& summary = Summary();
  auto it = summary.find(std::string(list));
  if (it == summary.end() || !it->is_array()) {
    if (!summary.empty()) ADD_FAILURE() << "summary has no list \"" << list << "\"";
    return paths;
  }
  for (const Json& path : *it)
    if (path.is_string()) paths.push_back(path.get<std::string>());
  std::sort(paths.begin(), paths.end());
  return paths;
}

Paths Trace::ListedUnder(std::string_view list, std::string_view dir) const {
  Paths paths = Listed(list);
  std::erase_if(paths, [&](const std::string& path) { return !IsUnder(path, dir); });
  return paths;
}

bool Trace::Lists(std::string_view list, std::string_view path) const {
  Paths paths = Listed(list);
  return std::binary_search(paths.begin(), paths.end(), std::string(path));
}

bool Trace::MentionsUnder(std::string_view dir) const {
  return std::any_of(events.begin(), events.end(),
                     [&](const Json& event) { return AnyStringUnder(event, dir); });
}

Trace RunFantrace(const std::vector<std::string>& args) {
  std::vector<std::string> argv{FANTRACE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult result = RunUntraced(argv);
  return Trace{result.status, std::move(result.out), std::move(result.err), {}, {}};
}

Trace TraceOfStdout(ProcessResult result) {
  Trace t;
  t.status = result.status;
  t.err = std::move(result.err);
  t.jsonl = std::move(result.out);
  std::string error;
  if (std::optional<std::vector<Json>> events = ParseJsonl(t.jsonl, &error)) {
    t.events = std::move(*events);
  } else {
    ADD_FAILURE() << "bad jsonl: " << error << "\n" << t.jsonl << t.err;
  }
  return t;
}

FantraceRun::FantraceRun(std::string_view verb, const std::vector<std::string>& args)
    : output_path_(output_dir_ / "trace.jsonl") {
  std::vector<std::string> argv{FANTRACE_BIN, std::string(verb), "--format", "jsonl", "-o",
                                output_path_};
  argv.insert(argv.end(), args.begin(), args.end());
  process_.emplace(argv);
}

void WaitUntilAttached(const std::string& output_path) {
  auto deadline = std::chrono::steady_clock::now() + kRunTimeout;
  while (!std::filesystem::exists(output_path) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  std::this_thread::sleep_for(std::chrono::seconds(1));
}

Trace FantraceRun::Finish(std::chrono::seconds timeout) {
  ProcessResult result = process_->Wait(timeout);
  Trace trace{result.status, std::move(result.out), std::move(result.err),
              ReadFile(output_path_), {}};
  std::string error;
  if (auto events = ParseJsonl(trace.jsonl, &error)) {
    trace.events = std::move(*events);
  } else {
    ADD_FAILURE() << error << "\nfantrace stderr:\n" << trace.err;
  }
  return trace;
}

FantraceRun StartRun(const std::vector<std::string>& command,
                     const std::vector<std::string>& options) {
  std::vector<std::string> args = options;
  args.push_back("--");
  args.insert(args.end(), command.begin(), command.end());
  return FantraceRun("run", args);
}

Trace TraceRun(const std::vector<std::string>& command, const std::vector<std::string>& options) {
  return StartRun(command, options).Finish();
}

}  // namespace fantrace::itest
