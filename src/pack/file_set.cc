#include "pack/file_set.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstring>
#include <vector>

#include "lib/elf_interp.h"

namespace fantrace::pack {
namespace {

constexpr int kMaxSymlinks = 40;  // as the kernel's MAXSYMLINKS

std::string Parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
}

std::string Join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

std::vector<std::string> Components(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    if (!part.empty() && part != ".") parts.push_back(part);
    i = j + 1;
  }
  return parts;
}

std::optional<std::string> ReadLink(const std::string& path) {
  char buf[PATH_MAX];
  ssize_t n = readlink(path.c_str(), buf, sizeof(buf));
  if (n < 0 || n == sizeof(buf)) return std::nullopt;
  return std::string(buf, static_cast<size_t>(n));
}

bool LooksLikeSharedObject(const std::string& path) {
  std::string base = path.substr(path.rfind('/') + 1);
  return base.ends_with(".so") || base.find(".so.") != std::string::npos;
}

// Python checks a module's source with stat(2) and reads only the cached
// bytecode (DIR/__pycache__/NAME.cpython-311.pyc): without DIR/NAME.py the
// import machinery, which lists DIR, would not find the module at all.
std::optional<std::string> PythonSourceOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (!path.ends_with(".pyc") || slash == std::string::npos) return std::nullopt;
  std::string dir = path.substr(0, slash);
  if (!dir.ends_with("/__pycache__")) return std::nullopt;
  std::string name = path.substr(slash + 1);
  size_t dot = name.find('.');
  return dir.substr(0, dir.size() - 12) + "/" + name.substr(0, dot) + ".py";
}

// The landmarks Python looks for with stat(2) to find its prefix and
// exec_prefix (lib/pythonX.Y/os.py and lib-dynload): os is frozen into the
// interpreter, so neither is ever read, yet without them Python warns and
// guesses its paths.
std::optional<std::string> PythonLibraryOf(const std::string& path) {
  size_t at = path.find("/lib/python3.");
  if (at == std::string::npos) return std::nullopt;
  size_t end = path.find('/', at + 13);
  if (end == std::string::npos) return std::nullopt;
  return path.substr(0, end);
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case Role::kExecutable: return "executable";
    case Role::kLibrary: return "library";
    case Role::kInput: return "input";
    case Role::kProbed: return "probed";
    case Role::kPath: return "path";
    case Role::kOutput: return "output";
  }
  return "path";
}

Role RoleFromName(const std::string& name) {
  for (Role r : {Role::kExecutable, Role::kLibrary, Role::kInput, Role::kProbed, Role::kPath, Role::kOutput})
    if (name == RoleName(r)) return r;
  return Role::kPath;
}

bool IsMachinePath(const std::string& path) {
  for (const char* top : {"/proc", "/sys", "/dev"})
    if (path == top || (path.starts_with(top) && path[strlen(top)] == '/')) return true;
  return false;
}

void FileSet::Keep(const std::string& path, Role role) {
  auto [it, added] = entries_.emplace(path, role);
  if (!added && role < it->second) it->second = role;
  if (!added) return;
  for (std::string dir = Parent(path); dir != "/"; dir = Parent(dir))
    if (!entries_.emplace(dir, Role::kPath).second) break;
}

std::string FileSet::Resolve(const std::string& path, int depth) {
  std::string cur = "/";
  std::vector<std::string> parts = Components(path);
  for (size_t i = 0; i < parts.size(); ++i) {
    if (parts[i] == "..") {
      cur = Parent(cur);
      continue;
    }
    std::string next = Join(cur, parts[i]);
    struct stat st;
    if (lstat(next.c_str(), &st) != 0) return "";
    if (S_ISLNK(st.st_mode)) {
      Keep(next, Role::kPath);
      std::optional<std::string> target = ReadLink(next);
      if (!target || depth >= kMaxSymlinks) return "";
      std::string rest = target->starts_with("/") ? *target : Join(cur, *target);
      for (size_t k = i + 1; k < parts.size(); ++k) rest += "/" + parts[k];
      return Resolve(rest, depth + 1);
    }
    if (i + 1 < parts.size() && !S_ISDIR(st.st_mode)) return "";
    cur = next;
  }
  return cur;
}

std::string FileSet::Add(const std::string& path, Role role) {
  if (path.empty() || path[0] != '/' || IsMachinePath(path)) return "";
  std::string real = Resolve(path, 0);
  if (real.empty() || IsMachinePath(real)) return "";
  if (real != "/") Keep(real, role);
  return real;
}

void FileSet::AddSiblingSymlinks(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  std::vector<std::string> links;
  while (struct dirent* e = readdir(d))
    if (e->d_type == DT_LNK) links.push_back(Join(dir, e->d_name));
  closedir(d);
  for (const std::string& link : links) {
    char real[PATH_MAX];
    if (!realpath(link.c_str(), real)) continue;
    if (entries_.count(real)) Add(link, Role::kPath);
  }
}

FileSet FileSet::FromTrace(const TraceFile& trace, const std::string& cwd) {
  FileSet set;
  set.Add(cwd, Role::kPath);
  std::set<std::string> program_dirs = {"/"};
  for (const std::string& path : trace.executed) {
    std::string real = set.Add(path, Role::kExecutable);
    if (real.empty()) continue;
    program_dirs.insert(Parent(real));
    if (std::optional<std::string> interp = ElfInterpreter(real)) {
      std::string loader = set.Add(*interp, Role::kLibrary);
      if (!loader.empty()) program_dirs.insert(Parent(loader));
    }
  }
  std::set<std::string> python_libs;
  for (const std::string& path : trace.read) {
    Role role = LooksLikeSharedObject(path) ? Role::kLibrary : Role::kInput;
    std::string real = set.Add(path, role);
    if (!real.empty() && role == Role::kLibrary) program_dirs.insert(Parent(real));
    if (std::optional<std::string> source = PythonSourceOf(path)) set.Add(*source, Role::kProbed);
    if (std::optional<std::string> lib = PythonLibraryOf(path)) python_libs.insert(*lib);
  }
  for (const std::string& lib : python_libs) {
    set.Add(lib + "/os.py", Role::kProbed);
    set.Add(lib + "/lib-dynload", Role::kProbed);
  }
  for (const std::string& path : trace.probed) set.Add(path, Role::kProbed);
  // Outputs are made again by the replay: only the directories above them
  // that the command did not create itself are kept.
  for (const std::string& path : trace.written) {
    std::string dir = Parent(path);
    while (dir != "/" && trace.made_dirs.count(dir)) dir = Parent(dir);
    set.Add(dir, Role::kPath);
  }
  for (const std::string& dir : program_dirs) set.AddSiblingSymlinks(dir);
  return set;
}

}  // namespace fantrace::pack
