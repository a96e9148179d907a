#include "cli/shell_marks.h"

#include <gtest/gtest.h>

namespace fantrace::cli {
namespace {

TEST(ShellMarks, ParsesEpochRealtimeOfBashAndZsh) {
  EXPECT_EQ(ParseEpochRealtime("1732540000.123456"), int64_t{1732540000123456000});
  EXPECT_EQ(ParseEpochRealtime("1732540000,123456"), int64_t{1732540000123456000});  // a locale's comma
  EXPECT_EQ(ParseEpochRealtime("1732540000.7122390270"), int64_t{1732540000712239027});  // zsh: 10 digits
  EXPECT_EQ(ParseEpochRealtime(""), std::nullopt);
  EXPECT_EQ(ParseEpochRealtime("12x.5"), std::nullopt);
}

TEST(ShellMarks, StripsBashHistoryNumbers) {
  EXPECT_EQ(StripHistoryNumber("  123  echo x > f"), "echo x > f");
  EXPECT_EQ(StripHistoryNumber("  7* ls"), "ls");
  EXPECT_EQ(StripHistoryNumber("echo 12"), "echo 12");  // zsh's line as typed
}

TEST(ShellMarks, CutsMarksThatArriveInPieces) {
  ShellMarkParser p;
  std::string bash = "\036I\n\036B\0371732540000.5\037/home/a b\037";  // fields first, then `history 1`
  p.Feed(bash.data(), bash.size());
  std::vector<ShellMark> first = p.Take();
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].kind, ShellMark::Kind::kOpened);
  std::string rest = "   42  echo x > f\n\036E\0371732540001.25\0373\n";
  p.Feed(rest.data(), rest.size());
  std::vector<ShellMark> marks = p.Take();
  ASSERT_EQ(marks.size(), 2u);
  EXPECT_EQ(marks[0].kind, ShellMark::Kind::kBegin);
  EXPECT_EQ(marks[0].cwd, "/home/a b");
  EXPECT_EQ(marks[0].line, "echo x > f");
  EXPECT_EQ(marks[0].time_ns, int64_t{1732540000500000000});
  EXPECT_EQ(marks[1].kind, ShellMark::Kind::kEnd);
  EXPECT_EQ(marks[1].status, 3);
  EXPECT_EQ(marks[1].time_ns, int64_t{1732540001250000000});
}

TEST(ShellMarks, KeepsAMultiLineCommandAndSkipsGarbage) {
  ShellMarkParser p;
  std::string text = "junk\036Q\037x\n\036B\0371.0\037/\037for i in 1 2\ndo echo $i\ndone\n\036X\n";
  p.Feed(text.data(), text.size());
  std::vector<ShellMark> marks = p.Flush();
  ASSERT_EQ(marks.size(), 2u);
  EXPECT_EQ(marks[0].line, "for i in 1 2\ndo echo $i\ndone");
  EXPECT_EQ(marks[1].kind, ShellMark::Kind::kOff);
}

}  // namespace
}  // namespace fantrace::cli
