#include "lib/proc_children.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

namespace fantrace {

namespace {

constexpr unsigned long kPfExiting = 0x4;  // include/linux/sched.h

// State and flags of /proc/PID/stat; false when the process is gone.
bool ReadStat(pid_t pid, const std::string& proc_root, char& state, unsigned long& flags) {
  std::ifstream stat(proc_root + "/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return false;
  // "PID (COMM) STATE PPID PGRP SESSION TTY TPGID FLAGS ...": COMM may hold
  // spaces and parentheses, so the fields are counted after the last ')'.
  size_t close = line.rfind(')');
  if (close == std::string::npos || close + 2 >= line.size()) return false;
  std::istringstream rest(line.substr(close + 2));
  long skip;
  if (!(rest >> state >> skip >> skip >> skip >> skip >> skip >> flags)) flags = 0;
  return true;
}

bool Exited(char state) { return state == 'Z' || state == 'X' || state == 'x'; }

}  // namespace

bool ProcessRunning(pid_t pid, const std::string& proc_root) {
  char state = 0;
  unsigned long flags = 0;
  if (!ReadStat(pid, proc_root, state, flags) || Exited(state)) return false;
  // An exiting leader (PF_EXITING) may already be past the exit
  // tracepoint while still shown running: wait for it to become a zombie.
  // One that stays (its other threads still run) is running.
  for (int i = 0; i < 50 && (flags & kPfExiting); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(4));
    if (!ReadStat(pid, proc_root, state, flags) || Exited(state)) return false;
  }
  return true;
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
