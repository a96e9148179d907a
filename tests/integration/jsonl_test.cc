// The harness's own jsonl reader (no root, no tracer): surrogate escapes
// for bytes that are not UTF-8 come back as the bytes.
#include <gtest/gtest.h>

#include "jsonl.h"

namespace fantrace::itest {
namespace {

TEST(Jsonl, SurrogateEscapesBecomeRawBytes) {
  std::string error;
  auto events = ParseJsonl(R"({"path":"/a\udcff\udcFEb"})" "\n" R"({"path":"x"})", &error);
  ASSERT_TRUE(events) << error;
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0]["path"], "/a\xff\xfe" "b");
  EXPECT_EQ((*events)[1]["path"], "x");
}

TEST(Jsonl, OtherEscapesAreUntouched) {
  std::string error;
  auto events = ParseJsonl(R"({"p":["\\udcff","\ud83d\ude00","\u00e9\n\"",1]})", &error);
  ASSERT_TRUE(events) << error;
  EXPECT_EQ((*events)[0]["p"], Json({"\\udcff", "\xf0\x9f\x98\x80", "\xc3\xa9\n\"", 1}));
}

TEST(Jsonl, BadLineIsAnError) {
  std::string error;
  EXPECT_FALSE(ParseJsonl("{\"a\":1}\nnot json\n", &error));
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;
}

}  // namespace
}  // namespace fantrace::itest
