#include "cli/replay_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <fmt/format.h>

#include "cli/exit_status.h"
#include "cli/trace_session.h"
#include "pack/bundle.h"
#include "pack/json_bytes.h"
#include "pack/replay_check.h"
#include "pack/replay_root.h"

namespace fantrace::cli {
namespace {

constexpr int kExitDiffers = 1;

int Fail(const std::string& message, int status = kExitUsage) {
  fmt::print(stderr, "fantrace: {}\n", message);
  return status;
}

// --input ORIGINAL=NEWFILE: ORIGINAL as recorded (relative: to the
// recorded directory), NEWFILE on this machine.
Result<std::vector<std::pair<std::string, std::string>>> ParseInputs(const std::vector<std::string>& given,
                                                                     const std::string& cwd) {
  std::vector<std::pair<std::string, std::string>> inputs;
  for (const std::string& in : given) {
    size_t eq = in.find('=');
    std::filesystem::path original = in.substr(0, eq);
    if (original.is_relative()) original = std::filesystem::path(cwd) / original;
    std::string file = in.substr(eq + 1);
    struct stat st;
    if (stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
      return MakeError(fmt::format("--input {}: {} is not a readable file", in, file));
    inputs.emplace_back(original.lexically_normal().string(), file);
  }
  return inputs;
}

Status CopyOutputs(const pack::Manifest& m, const pack::TraceFile& replay, const std::string& root,
                   const std::string& dir, std::vector<std::string>& copied) {
  std::set<std::string> paths(replay.written.begin(), replay.written.end());
  paths.insert(replay.opened_to_write.begin(), replay.opened_to_write.end());
  for (const pack::OutputEntry& o : m.outputs) paths.insert(o.path);
  for (const std::string& path : paths) {
    std::string from = root + path;
    struct stat st;
    if (lstat(from.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    std::filesystem::path to = std::filesystem::path(dir) / pack::OutputName(path, m.cwd);
    std::error_code ec;
    std::filesystem::create_directories(to.parent_path(), ec);
    std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) return MakeError(fmt::format("cannot copy the output {} to {}: {}", path, to.string(), ec.message()));
    copied.push_back(to.string());
  }
  return Ok{};
}

Status WriteReport(const std::string& file, const pack::ReplayFindings& f, int exit_code, bool verify) {
  pack::Json j = {{"exit_code", exit_code}, {"verified", verify}};
  auto list = [](const std::vector<std::string>& items) {
    pack::Json a = pack::Json::array();
    for (const std::string& s : items) a.push_back(pack::JsonSafe(s));
    return a;
  };
  j["outside"] = list(f.outside);
  j["missing"] = list(f.missing);
  j["new_outputs"] = list(f.new_outputs);
  j["differs"] = pack::Json::array();
  for (const pack::OutputDifference& d : f.differs) j["differs"].push_back({{"path", pack::JsonSafe(d.path)}, {"what", d.what}});
  j["exit_differs"] = f.exit_differs;
  std::ofstream out(file);
  out << pack::DumpJsonBytes(j, 1) << "\n";
  if (!out.flush()) return MakeError(fmt::format("cannot write the report {}", file));
  return Ok{};
}

}  // namespace

int RunReplay(const Options& o) {
  const PackOptions& p = o.pack;
  if (geteuid() != 0)
    return Fail("replay needs root: it creates mount and network namespaces (run it with sudo)");
  Result<pack::Manifest> manifest = pack::ReadBundleManifest(p.bundle);
  if (!manifest) return Fail(manifest.error().message);
  const pack::Manifest& m = *manifest;
  Result<std::vector<std::pair<std::string, std::string>>> inputs = ParseInputs(p.inputs, m.cwd);
  if (!inputs) return Fail(inputs.error().message);
  std::vector<std::string> warnings;
  Result<pack::ReplayRoot> root = pack::PrepareReplayRoot(p.bundle, m, *inputs, warnings);
  for (const std::string& w : warnings) fmt::print(stderr, "fantrace: warning: {}\n", w);
  if (!root) return Fail(root.error().message);
  auto cleanup = [&] {
    if (p.keep) fmt::print(stderr, "fantrace: the replay's root and trace are kept in {}\n", root->dir);
    else pack::RemoveReplayRoot(*root);
  };
  if (Status st = pack::EnterReplayMounts(*root); !st) {
    cleanup();
    return Fail(st.error().message);
  }

  pack::ChildRoot child{root->root, m.cwd, m.hostname, p.network, {}, {}};
  for (const auto& [name, value] : m.env) child.env.push_back(name + "=" + value);
  for (std::string& e : child.env) child.envp.push_back(e.data());
  child.envp.push_back(nullptr);
  Options run = o;
  run.mode = Mode::kRun;
  run.command = p.argv.empty() ? m.argv : p.argv;
  run.output = root->dir + "/trace.jsonl";
  run.format = "jsonl";
  run.no_summary = true;
  run.user.clear();
  SessionHooks hooks;
  hooks.child_setup = [&child] { return pack::EnterReplayRoot(child); };
  hooks.user = Credentials{m.uid, m.gid, ""};
  hooks.lookup_in_child = true;
  int status = RunTraceSession(run, hooks);

  Result<pack::TraceFile> trace = pack::ReadTraceFile(run.output);
  if (!trace) {
    cleanup();
    return status != 0 ? status : Fail(trace.error().message);
  }
  const bool verify = p.verify && p.argv.empty();
  if (p.verify && !p.argv.empty()) fmt::print(stderr, "fantrace: warning: --verify compares the recorded command only; not with a new argv\n");
  pack::ReplayFindings found = pack::CheckReplay(m, *trace, root->root, verify);
  for (const std::string& path : found.outside)
    fmt::print(stderr, "fantrace: replay used a file the bundle does not hold: {}\n", path);
  for (const std::string& path : found.missing)
    fmt::print(stderr, "fantrace: replay looked for a path the bundle lacks: {}\n", path);
  for (const pack::OutputDifference& d : found.differs) fmt::print(stderr, "fantrace: output {}: {}\n", d.path, d.what);
  if (found.exit_differs)
    fmt::print(stderr, "fantrace: exit status {} now, {} recorded\n", trace->exit_code, m.exit_status);
  int rc = status;
  if (!p.output_dir.empty()) {
    std::vector<std::string> copied;
    if (Status st = CopyOutputs(m, *trace, root->root, p.output_dir, copied); !st) {
      cleanup();
      return Fail(st.error().message);
    }
    fmt::print(stderr, "fantrace: {} outputs copied to {}\n", copied.size(), p.output_dir);
  }
  if (!p.report.empty()) {
    if (Status st = WriteReport(p.report, found, trace->exit_code, verify); !st) {
      cleanup();
      return Fail(st.error().message);
    }
  }
  if (verify) {
    bool same = found.differs.empty() && !found.exit_differs;
    fmt::print(stderr, "fantrace: verify: {}\n",
               same ? fmt::format("all {} outputs and the exit status are as recorded", m.outputs.size())
                    : fmt::format("{} of {} outputs differ{}", found.differs.size(), m.outputs.size(),
                                  found.exit_differs ? ", and the exit status" : ""));
    rc = same ? 0 : kExitDiffers;
  }
  cleanup();
  return rc;
}

}  // namespace fantrace::cli
