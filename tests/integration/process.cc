#include "process.h"

#include <sys/mount.h>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace fantrace::itest {
namespace {

int ShellStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return -1;
}

}  // namespace

TempDir::TempDir() {
  char pattern[] = "/tmp/fantrace-it-XXXXXX";
  if (!mkdtemp(pattern)) {
    ADD_FAILURE() << "mkdtemp: " << strerror(errno);
    return;
  }
  path_ = Canonical(pattern);
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::operator/(std::string_view name) const {
  return path_ + "/" + std::string(name);
}

void WriteFile(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out.flush()) ADD_FAILURE() << "cannot write " << path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string Canonical(const std::string& path) {
  char* resolved = realpath(path.c_str(), nullptr);
  if (!resolved) {
    ADD_FAILURE() << "realpath " << path << ": " << strerror(errno);
    return "";
  }
  std::string canonical = resolved;
  free(resolved);
  return canonical;
}

struct stat Stat(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) ADD_FAILURE() << "stat " << path << ": " << strerror(errno);
  return st;
}

Process::Process(const std::vector<std::string>& argv) {
  std::string out_path = capture_ / "stdout";
  std::string err_path = capture_ / "stderr";
  std::vector<char*> c_argv;
  for (const std::string& arg : argv) c_argv.push_back(const_cast<char*>(arg.c_str()));
  c_argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) {
    ADD_FAILURE() << "fork: " << strerror(errno);
    return;
  }
  if (pid_ == 0) {
    // Only async-signal-safe calls from here to exec.
    setpgid(0, 0);
    int in = open("/dev/null", O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) _exit(125);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execvp(c_argv[0], c_argv.data());
    _exit(127);
  }
  setpgid(pid_, pid_);  // also here, so a kill before the child runs still hits the group
}

Process::~Process() {
  if (pid_ <= 0) return;
  kill(-pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

ProcessResult Process::Wait(std::chrono::seconds timeout) {
  ProcessResult result;
  if (pid_ <= 0) return result;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int wait_status = 0;
  pid_t done = 0;
  while ((done = waitpid(pid_, &wait_status, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (done == pid_) {
    result.status = ShellStatus(wait_status);
  } else {
    ADD_FAILURE() << "process " << pid_ << " still running after " << timeout.count()
                  << " s; killed";
    kill(-pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
  result.out = ReadFile(capture_ / "stdout");
  result.err = ReadFile(capture_ / "stderr");
  return result;
}

ProcessResult RunUntraced(const std::vector<std::string>& argv) {
  return Process(argv).Wait();
}

ScopedMount::ScopedMount(const std::string& source, const std::string& target, const char* fstype,
                         unsigned long flags, const std::string& data)
    : target_(target) {
  std::filesystem::create_directories(target);
  mounted_ = mount(source.c_str(), target.c_str(), fstype, flags, data.empty() ? nullptr : data.c_str()) == 0;
  if (!mounted_) ADD_FAILURE() << "mount " << (fstype ? fstype : "(bind)") << " on " << target << ": " << strerror(errno);
}

ScopedMount::~ScopedMount() {
  if (mounted_) umount2(target_.c_str(), MNT_DETACH);
}

}  // namespace fantrace::itest
