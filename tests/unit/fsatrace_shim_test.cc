#include "cli/fsatrace_shim.h"

#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fantrace::cli {
namespace {

Result<FsatraceArgs> Parse(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  return ParseFsatraceArgs(static_cast<int>(argv.size()), argv.data());
}

std::string Filter(const std::string& input, const std::string& kinds, bool keep_duplicates) {
  FILE* in = tmpfile();
  FILE* out = tmpfile();
  fputs(input.c_str(), in);
  rewind(in);
  EXPECT_TRUE(FilterFsatraceLines(in, out, kinds, keep_duplicates));
  rewind(out);
  std::string text;
  for (int c; (c = fgetc(out)) != EOF;) text.push_back(static_cast<char>(c));
  fclose(in);
  fclose(out);
  return text;
}

TEST(FsatraceArgs, TakesFsatracesCommandLine) {
  Result<FsatraceArgs> a = Parse({"fsatrace", "rwmdve", "-", "--", "gcc", "-c", "x.c"});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kinds, "rwmd");
  EXPECT_TRUE(a->print_args);
  EXPECT_TRUE(a->verbose_errors);
  EXPECT_FALSE(a->keep_duplicates);
  EXPECT_EQ(a->output, "-");
  EXPECT_EQ(a->command, (std::vector<std::string>{"gcc", "-c", "x.c"}));
}

TEST(FsatraceArgs, ThreeDashesKeepDuplicates) {
  Result<FsatraceArgs> a = Parse({"fsatrace", "rwmdqt", "out.txt", "---", "make"});
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->keep_duplicates);
  EXPECT_EQ(a->kinds, "rwmdqt");
  EXPECT_EQ(a->output, "out.txt");
}

TEST(FsatraceArgs, RefusesWhatFsatraceWouldNotRun) {
  EXPECT_FALSE(Parse({"fsatrace", "rw", "-", "--"}));              // no command
  EXPECT_FALSE(Parse({"fsatrace", "rw", "-", "-x", "true"}));      // no --
  EXPECT_FALSE(Parse({"fsatrace", "rwz", "-", "--", "true"}));     // unknown flag
  EXPECT_FALSE(Parse({"fsatrace", "rw", "", "--", "true"}));       // no output
}

TEST(FsatraceLines, KeepsTheChosenKindsAndDropsAdjacentDuplicates) {
  const std::string in = "r|/a\nr|/a\nw|/b\nw|/b\nr|/a\nm|/d|/c\nd|/e\nq|/f\n";
  EXPECT_EQ(Filter(in, "rwmdq", false), "r|/a\nw|/b\nr|/a\nm|/d|/c\nd|/e\nq|/f\n");
  EXPECT_EQ(Filter(in, "rwmdq", true), in);
  EXPECT_EQ(Filter(in, "w", false), "w|/b\n");
  // A line of another kind between two equal ones is dropped first, as
  // fsatrace records only the kinds asked for and then removes duplicates.
  EXPECT_EQ(Filter(in, "r", false), "r|/a\n");
}

}  // namespace
}  // namespace fantrace::cli
