#include "cli/pack_commands.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "cli/exit_status.h"
#include "cli/launcher.h"
#include "cli/replay_command.h"
#include "cli/trace_session.h"
#include "pack/bundle.h"
#include "pack/bundle_info.h"
#include "pack/json_bytes.h"
#include "pack/oci_image.h"
#include "pack/packer.h"
#include "pack/trace_file.h"

namespace fantrace::cli {
namespace {

int Fail(const std::string& message, int status = kExitUsage) {
  fmt::print(stderr, "fantrace: {}\n", message);
  return status;
}

std::string CurrentDirectory() {
  std::error_code ec;
  std::filesystem::path cwd = std::filesystem::current_path(ec);
  return ec ? std::string("/") : cwd.string();
}

std::string TempPath(const std::string& suffix) {
  const char* tmp = getenv("TMPDIR");
  std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/fantrace-pack-XXXXXX" + suffix;
  int fd = mkstemps(path.data(), static_cast<int>(suffix.size()));
  if (fd < 0) return "";
  close(fd);
  return path;
}

uint64_t FileSize(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
}

// Writes the bundle, or the OCI archive for --image (through a bundle).
int WriteResult(const PackOptions& p, const pack::Manifest& manifest) {
  std::string bundle = p.image ? TempPath(".ftpack") : p.output;
  if (bundle.empty()) return Fail(fmt::format("cannot create a temporary file: {}", strerror(errno)));
  Status st = pack::WriteBundle(bundle, manifest);
  if (st && p.image) st = pack::ExportImage(bundle, p.output, p.tag);
  if (p.image) unlink(bundle.c_str());
  if (!st) return Fail(st.error().message);
  uint64_t content = 0;
  size_t held = 0;
  for (const pack::FileEntry& f : manifest.files)
    if (f.included) {
      ++held;
      content += f.size;
    }
  fmt::print(stderr, "fantrace: packed {} entries ({} of files) and {} outputs' hashes into {} ({})\n", held,
             pack::HumanBytes(content), manifest.outputs.size(), p.output, pack::HumanBytes(FileSize(p.output)));
  return 0;
}

int Pack(const Options& o) {
  const PackOptions& p = o.pack;
  pack::PackRequest req;
  req.env = pack::CurrentEnvironment();
  req.no_package_files = p.no_package_files;
  if (p.no_default_env_exclude) req.env_exclude.clear();
  req.env_exclude.insert(req.env_exclude.end(), p.env_exclude.begin(), p.env_exclude.end());
  int status = 0;
  std::string trace_path;
  bool remove_trace = false;
  if (p.from) {
    trace_path = *p.from;
    req.source = "jsonl";
    req.cwd = p.cwd.empty() ? CurrentDirectory() : std::filesystem::absolute(p.cwd).lexically_normal().string();
    req.uid = getuid();
    req.gid = getgid();
  } else {
    Result<std::optional<Credentials>> user = ResolveUser(o.user);
    if (!user) return Fail(user.error().message);
    req.uid = *user ? (*user)->uid : getuid();
    req.gid = *user ? (*user)->gid : getgid();
    req.argv = o.command;
    req.cwd = CurrentDirectory();
    trace_path = p.trace.empty() ? TempPath(".jsonl") : p.trace;
    if (trace_path.empty()) return Fail(fmt::format("cannot create a temporary file: {}", strerror(errno)));
    remove_trace = p.trace.empty();
    Options run = o;
    run.mode = Mode::kRun;
    run.output = trace_path;
    run.format = "jsonl";
    if (!p.buffer_size.empty()) {
      Result<uint64_t> size = ParseSize(p.buffer_size);
      if (!size) return Fail("--buffer-size: " + size.error().message);
      run.trace.buffer_size = *size;
    }
    status = RunTraceSession(run);
  }
  if (struct passwd* pw = getpwuid(req.uid)) req.user = pw->pw_name;
  Result<pack::TraceFile> trace = pack::ReadTraceFile(trace_path);
  if (remove_trace) unlink(trace_path.c_str());
  if (!trace) {
    // The session has said why the trace is incomplete (not found, BPF refused, ...).
    if (!p.from) return status != 0 ? status : Fail(trace.error().message);
    return Fail(trace.error().message);
  }
  std::vector<std::string> warnings;
  Result<pack::Manifest> manifest = pack::BuildManifest(*trace, req, warnings);
  for (const std::string& w : warnings) fmt::print(stderr, "fantrace: warning: {}\n", w);
  if (!manifest) return Fail(manifest.error().message);
  if (int rc = WriteResult(p, *manifest); rc != 0) return rc;
  if (!p.from && status != 0)
    fmt::print(stderr, "fantrace: warning: the command exited with status {}; the bundle replays that run\n", status);
  return p.from ? 0 : status;
}

int Unpack(const PackOptions& p) {
  if (std::filesystem::exists(p.dir) && !std::filesystem::is_empty(p.dir))
    return Fail(fmt::format("{} exists and is not empty: unpack into a new directory", p.dir));
  if (Status st = pack::ExtractBundle(p.bundle, p.dir); !st) return Fail(st.error().message);
  fmt::print(stderr, "fantrace: unpacked {} into {} (manifest.json, root/)\n", p.bundle, p.dir);
  return 0;
}

int Info(const Options& o) {
  Result<pack::Manifest> m = pack::ReadBundleManifest(o.pack.bundle);
  if (!m) return Fail(m.error().message);
  if (o.store.json) fmt::print("{}", pack::ManifestToJson(*m));
  else fmt::print("{}", pack::DescribeBundle(*m, FileSize(o.pack.bundle)));
  return 0;
}

int ExportImage(const PackOptions& p) {
  if (Status st = pack::ExportImage(p.bundle, p.output, p.tag); !st) return Fail(st.error().message);
  fmt::print(stderr, "fantrace: wrote the OCI image archive {} ({}); load it with: podman load -i {}\n", p.output,
             pack::HumanBytes(FileSize(p.output)), p.output);
  return 0;
}

}  // namespace

int RunPackCommand(const Options& o) {
  switch (o.mode) {
    case Mode::kPack: return Pack(o);
    case Mode::kReplay: return RunReplay(o);
    case Mode::kUnpack: return Unpack(o.pack);
    case Mode::kInfo: return Info(o);
    case Mode::kExportImage: return ExportImage(o.pack);
    default: return Fail("not a pack subcommand");
  }
}

}  // namespace fantrace::cli
