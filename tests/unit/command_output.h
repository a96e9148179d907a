// A shell command's standard output and exit status, for unit tests that
// ask a real tool (sh, cpp) what it makes of their input. No root needed.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace fantrace::testing {

struct CommandOutput {
  int status = -1;  // pclose's wait status; -1 when the command could not start
  std::string out;
};

inline CommandOutput RunCommand(const std::string& cmd) {
  CommandOutput r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  r.status = pclose(p);
  return r;
}

}  // namespace fantrace::testing
