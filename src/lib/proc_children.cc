#include "lib/proc_children.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace fantrace {

bool ProcessRunning(pid_t pid, const std::string& proc_root) {
  std::ifstream stat(proc_root + "/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  // "PID (COMM) STATE ...": COMM may hold spaces and parentheses, so the
  // state is the first field after the last ')'.
  size_t close = line.rfind(')');
  if (close == std::string::npos || close + 2 >= line.size()) return false;
  char state = line[close + 2];
  return state != 'Z' && state != 'X' && state != 'x';
}

std::vector<pid_t> ChildrenOf(pid_t pid, const std::string& proc_root) {
  std::vector<pid_t> children;
  std::error_code ec;
  std::filesystem::directory_iterator tasks(proc_root + "/" + std::to_string(pid) + "/task", ec);
  if (ec) return children;
  for (const auto& task : tasks) {
    std::ifstream in(task.path() / "children");
    pid_t child;
    while (in >> child) children.push_back(child);
  }
  std::sort(children.begin(), children.end());
  children.erase(std::unique(children.begin(), children.end()), children.end());
  return children;
}

}  // namespace fantrace
