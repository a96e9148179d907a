// Scratch directories and child processes for the integration tests: the
// pieces of the harness that know nothing about fantrace.
//
// Not thread-safe; each test owns its objects. Failures here are test
// failures (ADD_FAILURE) and leave empty values behind.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace fantrace::itest {

// How long a process may run before the harness kills it.
inline constexpr std::chrono::seconds kRunTimeout{120};

// A fresh directory under /tmp, canonical, removed with its contents.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string operator/(std::string_view name) const;

 private:
  std::string path_;
};

// Writes `content` to `path` (outside any trace).
void WriteFile(const std::string& path, std::string_view content);
// The whole content of `path`; empty if it cannot be read.
std::string ReadFile(const std::string& path);
// realpath(3) of `path`; a test failure and "" if it fails.
std::string Canonical(const std::string& path);
// stat(2) of `path`; a test failure and zeroes if it fails.
struct stat Stat(const std::string& path);

// What a finished process left behind. status is as a shell's $? (128+N
// when killed by signal N), -1 if the harness had to kill it.
struct ProcessResult {
  int status = -1;
  std::string out;
  std::string err;
};

// A child process in its own process group, stdin from /dev/null, stdout and
// stderr captured to files. The destructor kills the group if it still runs.
class Process {
 public:
  // argv[0] is looked up in PATH when it has no slash.
  explicit Process(const std::vector<std::string>& argv);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }
  ProcessResult Wait(std::chrono::seconds timeout = kRunTimeout);

 private:
  TempDir capture_;
  pid_t pid_ = -1;
};

// Runs argv to completion outside any trace.
ProcessResult RunUntraced(const std::vector<std::string>& argv);

// A mount that lasts for the scope (lazily unmounted at its end); a failed
// mount is a test failure. Creates the target directory.
class ScopedMount {
 public:
  ScopedMount(const std::string& source, const std::string& target, const char* fstype,
              unsigned long flags = 0, const std::string& data = "");
  ~ScopedMount();
  ScopedMount(const ScopedMount&) = delete;
  ScopedMount& operator=(const ScopedMount&) = delete;
  bool mounted() const { return mounted_; }

 private:
  std::string target_;
  bool mounted_ = false;
};

}  // namespace fantrace::itest
