// fantrace doctor: the kernel features it reports are the running kernel's
// (probed, not assumed), and a kernel the suite runs on is one fantrace
// supports.
#include <gtest/gtest.h>
#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <tuple>

#include "harness.h"

namespace fantrace::itest {
namespace {

// "6.1.0-50-cloud-amd64" -> {6, 1}
std::tuple<int, int> Release(const std::string& text) {
  int major = 0, minor = 0;
  sscanf(text.c_str(), "%d.%d", &major, &minor);
  return {major, minor};
}

TEST(Doctor, ReportsTheRunningKernelsFeatures) {
  FANTRACE_REQUIRE_ROOT();
  Trace t = RunFantrace({"doctor"});
  ASSERT_EQ(t.status, 0) << t.out << t.err;
  utsname u{};
  ASSERT_EQ(uname(&u), 0);
  EXPECT_NE(t.out.find(std::string("kernel: ") + u.release + "\n"), std::string::npos) << t.out;

  // Every feature is reported, and each one that mainline Linux has had
  // since a release no newer than this kernel's is found by the probe.
  std::istringstream lines(t.out);
  std::string line;
  int features = 0;
  while (std::getline(lines, line)) {
    char name[64] = {}, present[4] = {};
    int major = 0, minor = 0;
    if (sscanf(line.c_str(), "feature: %63s %3s (Linux %d.%d+: ", name, present, &major, &minor) != 4)
      continue;
    ++features;
    EXPECT_TRUE(std::string(present) == "yes" || std::string(present) == "no") << line;
    if (Release(u.release) >= std::tuple<int, int>{major, minor}) {
      EXPECT_STREQ(present, "yes") << line;
    }
  }
  EXPECT_GE(features, 6) << t.out;
  EXPECT_NE(t.out.find("\ncode path: default"), std::string::npos) << t.out;
  EXPECT_NE(t.out.find("\nstatus: supported\n"), std::string::npos) << t.out;
}

TEST(Doctor, NeedsRootAndSaysSoInOneLine) {
  FANTRACE_REQUIRE_ROOT();
  ProcessResult as_nobody = RunUntraced({"setpriv", "--reuid=nobody", "--regid=nogroup",
                                         "--clear-groups", FANTRACE_BIN, "doctor"});
  EXPECT_EQ(as_nobody.status, 2) << as_nobody.err;
  EXPECT_EQ(std::count(as_nobody.err.begin(), as_nobody.err.end(), '\n'), 1) << as_nobody.err;
}

}  // namespace
}  // namespace fantrace::itest
