#include "store/db_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include <fmt/format.h>

namespace fantrace::store {
namespace {

std::string Trim(const std::string& s) {
  size_t begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  size_t end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

}  // namespace

std::string ConfigPath(const DbOwner& owner, bool for_sudo_user) {
  const char* xdg = getenv("XDG_CONFIG_HOME");
  std::string base = !for_sudo_user && xdg && xdg[0] == '/' ? std::string(xdg) : owner.home + "/.config";
  return base + "/fantrace/config";
}

std::optional<std::string> DbFromConfigText(const std::string& text) {
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    size_t eq = trimmed.find('=');
    if (eq == std::string::npos || Trim(trimmed.substr(0, eq)) != "db") continue;
    std::string value = Trim(trimmed.substr(eq + 1));
    if (!value.empty()) return value;
  }
  return std::nullopt;
}

Result<std::optional<std::string>> ConfiguredDatabase(const DbOwner& owner, bool for_sudo_user) {
  if (const char* env = getenv("FANTRACE_DB"); env && *env) return std::optional<std::string>(env);
  const std::string path = ConfigPath(owner, for_sudo_user);
  // Not through a symlink, and only the owner's own file: under sudo this
  // runs as root, which must not read other files for the user.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT) return std::optional<std::string>();
  if (fd < 0) return MakeError(fmt::format("cannot read the configuration file {}: {}", path, strerror(errno)));
  struct stat st;
  std::string text;
  if (fstat(fd, &st) != 0 || st.st_uid != owner.uid || !S_ISREG(st.st_mode)) {
    close(fd);
    return MakeError(fmt::format("the configuration file {} is not a regular file of {}: fix it or remove it",
                                 path, owner.name));
  }
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof(buffer))) > 0 && text.size() < (1 << 20);)
    text.append(buffer, static_cast<size_t>(n));
  close(fd);
  return DbFromConfigText(text);
}

}  // namespace fantrace::store
