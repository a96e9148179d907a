#include "pack/packer.h"

#include <fnmatch.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <climits>
#include <cstdint>
#include <ctime>
#include <fstream>

#include <fmt/format.h>

#include "store/content_hash.h"

extern char** environ;

namespace fantrace::pack {
namespace {

// Whole-file hashes: a replay's outputs are compared byte for byte.
store::HashScheme WholeFileScheme() {
  store::HashScheme scheme;
  scheme.whole_max = UINT64_MAX;
  return scheme;
}

std::string UserName(uid_t uid) {
  struct passwd* pw = getpwuid(uid);
  return pw ? pw->pw_name : "";
}

std::string GroupName(gid_t gid) {
  struct group* gr = getgrgid(gid);
  return gr ? gr->gr_name : "";
}

std::string Distribution() {
  std::ifstream in("/etc/os-release");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("PRETTY_NAME=")) continue;
    std::string v = line.substr(12);
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    return v;
  }
  return "";
}

int64_t NowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

int64_t MtimeNs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// Why `path` is not the file the trace saw, or "".
std::string ChangeSince(const std::string& path, const struct stat& st, const TraceFile& trace) {
  auto it = trace.seen.find(path);
  if (it == trace.seen.end()) return "";
  const SeenFile& seen = it->second;
  if (seen.ino != 0 && (seen.ino != st.st_ino || seen.dev != st.st_dev))
    return fmt::format("another file now (inode {} then, {} now)", seen.ino, st.st_ino);
  if (seen.size && *seen.size != static_cast<uint64_t>(st.st_size))
    return fmt::format("size {} then, {} now", *seen.size, st.st_size);
  if (seen.mtime_ns && *seen.mtime_ns != MtimeNs(st)) return "modified since the trace (mtime differs)";
  return "";
}

}  // namespace

const std::vector<std::string> kDefaultEnvExclude = {"*TOKEN*", "*SECRET*",     "*PASSWORD*", "*PASSWD*",
                                                     "*KEY*",   "*CREDENTIAL*", "*PRIVATE*",  "*COOKIE*",
                                                     "*AUTH*",  "SSH_AUTH_SOCK", "*SESSION*"};

bool EnvExcluded(const std::string& name, const std::vector<std::string>& patterns) {
  for (const std::string& p : patterns)
    if (fnmatch(p.c_str(), name.c_str(), FNM_CASEFOLD) == 0) return true;
  return false;
}

std::vector<std::pair<std::string, std::string>> CurrentEnvironment() {
  std::vector<std::pair<std::string, std::string>> env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    size_t eq = entry.find('=');
    if (eq == std::string::npos) continue;
    env.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

Result<Manifest> BuildManifest(const TraceFile& trace, const PackRequest& req, std::vector<std::string>& warnings) {
  Manifest m;
  m.fantrace_version = FANTRACE_VERSION;
  m.created_ns = NowNs();
  m.source = req.source;
  m.argv = req.argv.empty() ? trace.argv : req.argv;
  if (m.argv.empty()) return MakeError("the trace has no exec event: there is no command to pack");
  m.cwd = req.cwd;
  m.uid = req.uid;
  m.gid = req.gid;
  m.user = req.user;
  for (const auto& [name, value] : req.env) {
    if (EnvExcluded(name, req.env_exclude)) m.env_excluded.push_back(name);
    else m.env.emplace_back(name, value);
  }
  m.exit_status = trace.exit_code;
  char host[HOST_NAME_MAX + 1] = {};
  gethostname(host, sizeof(host) - 1);
  m.hostname = host;
  struct utsname u;
  if (uname(&u) == 0) {
    m.kernel_release = u.release;
    m.machine = u.machine;
  }
  m.distribution = Distribution();
  m.lost = trace.lost;
  if (trace.lost > 0)
    warnings.push_back(fmt::format("the trace lost {} events: the bundle may lack files (trace with a larger --buffer-size)",
                                   trace.lost));
  if (!trace.chroots.empty())
    warnings.push_back("the command changed its root (chroot): files below that root are packed by their paths inside it, "
                       "which may be wrong");

  Result<DpkgDatabase> dpkg = DpkgDatabase::Load();
  if (!dpkg) return dpkg.error();
  const store::HashScheme scheme = WholeFileScheme();
  FileSet set = FileSet::FromTrace(trace, m.cwd);
  for (const auto& [path, role] : set.entries()) {
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) continue;  // vanished meanwhile: the replay will say so
    FileEntry f;
    f.path = path;
    f.role = role;
    f.mode = st.st_mode & 07777;
    f.uid = st.st_uid;
    f.gid = st.st_gid;
    f.owner = UserName(st.st_uid);
    f.group = GroupName(st.st_gid);
    f.mtime_ns = MtimeNs(st);
    if (S_ISDIR(st.st_mode)) {
      f.type = "directory";
    } else if (S_ISLNK(st.st_mode)) {
      f.type = "symlink";
      char buf[PATH_MAX];
      ssize_t n = readlink(path.c_str(), buf, sizeof(buf));
      if (n < 0) continue;
      f.target.assign(buf, static_cast<size_t>(n));
    } else if (S_ISREG(st.st_mode)) {
      f.type = "file";
      f.size = static_cast<uint64_t>(st.st_size);
      Result<std::string> hash = store::HashPath(path, scheme);
      if (!hash) return MakeError(fmt::format("cannot hash {}: {}", path, hash.error().message));
      f.hash = *hash;
      f.changed = ChangeSince(path, st, trace);
      if (!f.changed.empty()) warnings.push_back(fmt::format("{} changed since the trace: {}", path, f.changed));
      if (trace.written.count(path))
        warnings.push_back(fmt::format("{} was read and written by the command: the bundle holds it as the command left it",
                                       path));
    } else {
      continue;  // devices, fifos, sockets belong to the machine
    }
    if (f.type != "directory") f.package = dpkg->Owner(path);
    if (f.package && req.no_package_files && f.type == "file") f.included = false;
    m.files.push_back(std::move(f));
  }
  for (const std::string& path : trace.written) {
    struct stat st;
    if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      warnings.push_back(fmt::format("the output {} is gone: it is not in the manifest's outputs", path));
      continue;
    }
    Result<std::string> hash = store::HashPath(path, scheme);
    if (!hash) return MakeError(fmt::format("cannot hash the output {}: {}", path, hash.error().message));
    m.outputs.push_back(OutputEntry{path, static_cast<uint64_t>(st.st_size), st.st_mode & 07777u, *hash});
  }
  for (const std::string& path : trace.missing) {
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) m.absent.push_back(path);
  }
  return m;
}

}  // namespace fantrace::pack
