// The BPF programs' syscall table (src/bpf/syscall_nr.bpf.h) against the
// kernel's own UAPI headers, for both architectures fantrace knows: every
// number as the kernel defines it, every NR_NONE a call the architecture
// really lacks, and every call arm64 lacks covered there by the *at call
// that replaces it. So a file syscall known on one architecture cannot be
// forgotten on the other, and a wrong number cannot hide.
//
// The headers go through the C preprocessor, as they do for any program
// (asm-generic/unistd.h, arm64's table, defines its calls under conditions
// and aliases): x86-64's from linux-libc-dev, arm64's from
// linux-libc-dev-arm64-cross (scripts/install-deps installs both).
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "command_output.h"

namespace {

using fantrace::testing::CommandOutput;
using fantrace::testing::RunCommand;

constexpr const char* kTable = FANTRACE_SOURCE_DIR "/src/bpf/syscall_nr.bpf.h";
constexpr const char* kArm64Include = "/usr/aarch64-linux-gnu/include";
constexpr const char* kNone = "NR_NONE";

using Table = std::map<std::string, std::string>;  // "NR_OPENAT" -> "257" or "NR_NONE" (for NR_NONE(n))

// The #defines of one architecture's section (__TARGET_ARCH_<arch>).
Table Section(const std::string& arch) {
  std::ifstream in(kTable);
  EXPECT_TRUE(in) << "cannot read " << kTable;
  const std::regex define(R"(^#define (NR_[A-Z0-9_]+)\s+(\S+))");
  Table table;
  std::set<std::string> absent;
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("#if defined(__TARGET_ARCH_", 0) == 0 || line.rfind("#elif defined(__TARGET_ARCH_", 0) == 0) {
      inside = line.find("(__TARGET_ARCH_" + arch + ")") != std::string::npos;
      continue;
    }
    if (line.rfind("#else", 0) == 0 || line.rfind("#endif", 0) == 0) {
      inside = false;
      continue;
    }
    std::smatch m;
    if (!inside || !std::regex_search(line, m, define)) continue;
    std::string value = m[2];
    if (value.rfind("NR_NONE(", 0) == 0) {  // each absent call its own number: a switch may name several
      EXPECT_TRUE(absent.insert(value).second) << arch << ": " << m[1] << " reuses " << value;
      value = kNone;
    }
    table[m[1]] = value;
  }
  return table;
}

// "NR_NEWFSTATAT" -> "newfstatat", the kernel's name.
std::string KernelName(const std::string& nr) {
  std::string name = nr.substr(3);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// What the preprocessed headers make of __NR_<name> for every name of the
// table: the number, or "" where the architecture defines no such call.
std::map<std::string, std::string> Kernel(const Table& table, const std::string& cpp_args) {
  char path[] = "/tmp/fantrace-syscalls-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  std::ostringstream probe;
  for (const auto& [nr, value] : table) probe << nr << " __NR_" << KernelName(nr) << "\n";
  std::string text = probe.str();
  EXPECT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  std::string cmd = "cpp -P " + cpp_args + " " + path + " 2>&1";
  CommandOutput cpp = RunCommand(cmd);
  unlink(path);
  EXPECT_EQ(cpp.status, 0) << cmd << ":\n" << cpp.out;
  std::map<std::string, std::string> kernel;
  std::istringstream lines(cpp.out);
  for (std::string nr, value; lines >> nr >> value;)
    kernel[nr] = value.rfind("__NR_", 0) == 0 ? "" : value;  // still a name: not defined
  return kernel;
}

// The highest syscall number the headers define: calls above it are newer
// than the headers (Debian 12's are 6.1's).
long HighestNumber(const std::string& cpp_args) {
  std::string cmd = "cpp -dM " + cpp_args + " /dev/null 2>/dev/null";
  CommandOutput cpp = RunCommand(cmd);
  EXPECT_EQ(cpp.status, 0) << cmd;
  const std::regex define(R"(^#define __NR_[a-z0-9_]+ ([0-9]+)$)");
  long highest = -1;
  std::istringstream lines(cpp.out);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_match(line, m, define)) highest = std::max(highest, std::stol(m[1]));
  }
  EXPECT_GT(highest, 300) << cmd;
  return highest;
}

// Since pidfd_send_signal (424, Linux 5.1) every architecture but alpha
// gives a new syscall the same number.
constexpr long kFirstSharedNumber = 424;

// Each arch's section against that arch's headers. A call newer than the
// headers must have a shared number, the same in both sections.
void ExpectMatchesKernel(const std::string& arch, const std::string& cpp_args) {
  Table table = Section(arch);
  ASSERT_FALSE(table.empty()) << "no section for __TARGET_ARCH_" << arch << " in " << kTable;
  auto kernel = Kernel(table, cpp_args);
  ASSERT_EQ(kernel.size(), table.size()) << "the preprocessor dropped names";
  const long highest = HighestNumber(cpp_args);
  Table other = Section(arch == "x86" ? "arm64" : "x86");
  for (const auto& [nr, value] : table) {
    const std::string& truth = kernel[nr];
    if (truth.empty() && value != kNone && std::stol(value) > highest) {
      EXPECT_GE(std::stol(value), kFirstSharedNumber) << arch << ": " << nr << " " << value
                                                     << " is newer than the headers but not a shared number";
      EXPECT_EQ(value, other[nr]) << nr << ": a shared number differs between the sections";
      continue;
    }
    if (value == kNone)
      EXPECT_EQ(truth, "") << arch << ": " << nr << " is NR_NONE, but the kernel defines __NR_"
                           << KernelName(nr) << " " << truth;
    else
      EXPECT_EQ(value, truth) << arch << ": " << nr << " is " << value << ", the kernel's __NR_"
                              << KernelName(nr) << " is " << (truth.empty() ? "not defined" : truth);
  }
}

TEST(SyscallTable, BothArchitecturesNameTheSameCalls) {
  Table x86 = Section("x86"), arm64 = Section("arm64");
  ASSERT_FALSE(x86.empty());
  for (const auto& [nr, value] : x86) EXPECT_TRUE(arm64.count(nr)) << nr << " is missing in the arm64 section";
  for (const auto& [nr, value] : arm64) EXPECT_TRUE(x86.count(nr)) << nr << " is missing in the x86-64 section";
}

TEST(SyscallTable, X86_64NumbersAreTheKernels) {
  ExpectMatchesKernel("x86", "-include asm/unistd_64.h");
}

TEST(SyscallTable, Arm64NumbersAreTheKernels) {
  std::string header = std::string(kArm64Include) + "/asm/unistd.h";
  ASSERT_EQ(access(header.c_str(), R_OK), 0)
      << header << " is missing: install linux-libc-dev-arm64-cross (scripts/install-deps does)";
  ExpectMatchesKernel("arm64", std::string("-undef -nostdinc -D__aarch64__ -isystem ") + kArm64Include +
                                   " -include asm/unistd.h");
}

// What covers each call arm64 does not have: the handlers must know the
// replacement there, or the operation goes unseen on arm64.
TEST(SyscallTable, EveryCallArm64LacksHasItsReplacementThere) {
  const std::map<std::string, std::string> replacement = {
      {"NR_OPEN", "NR_OPENAT"},        {"NR_CREAT", "NR_OPENAT"},         {"NR_DUP2", "NR_DUP3"},
      {"NR_RENAME", "NR_RENAMEAT"},    {"NR_MKDIR", "NR_MKDIRAT"},        {"NR_RMDIR", "NR_UNLINKAT"},
      {"NR_LINK", "NR_LINKAT"},        {"NR_UNLINK", "NR_UNLINKAT"},      {"NR_SYMLINK", "NR_SYMLINKAT"},
      {"NR_STAT", "NR_NEWFSTATAT"},    {"NR_LSTAT", "NR_NEWFSTATAT"},     {"NR_ACCESS", "NR_FACCESSAT"},
      {"NR_READLINK", "NR_READLINKAT"}, {"NR_CHMOD", "NR_FCHMODAT"},      {"NR_CHOWN", "NR_FCHOWNAT"},
      {"NR_LCHOWN", "NR_FCHOWNAT"},    {"NR_UTIME", "NR_UTIMENSAT"},      {"NR_UTIMES", "NR_UTIMENSAT"},
      {"NR_FUTIMESAT", "NR_UTIMENSAT"}, {"NR_MKNOD", "NR_MKNODAT"},
  };
  Table arm64 = Section("arm64");
  ASSERT_FALSE(arm64.empty());
  for (const auto& [nr, value] : arm64) {
    if (value != kNone) continue;
    auto r = replacement.find(nr);
    ASSERT_NE(r, replacement.end()) << nr << " is NR_NONE on arm64 and no call is known to replace it";
    EXPECT_NE(arm64[r->second], kNone) << nr << "'s replacement " << r->second << " is NR_NONE on arm64 too";
    EXPECT_FALSE(arm64[r->second].empty()) << r->second << " is not in the table";
  }
}

}  // namespace
