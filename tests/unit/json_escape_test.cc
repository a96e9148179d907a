#include "lib/json_escape.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace fantrace {
namespace {

// The inverse a Python consumer applies (json.loads, then os.fsencode):
// U+DC80..U+DCFF back to raw bytes. Hand-written because strict parsers,
// nlohmann's included, reject a lone surrogate escape.
std::string DecodeSurrogateEscape(std::string_view json) {
  EXPECT_TRUE(json.size() >= 2 && json.front() == '"' && json.back() == '"');
  std::string bytes;
  for (size_t i = 1; i + 1 < json.size(); ++i) {
    if (json[i] != '\\') {
      bytes.push_back(json[i]);
      continue;
    }
    char e = json[++i];
    if (e != 'u') {
      bytes.push_back(e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b' : e == 'f' ? '\f' : e);
      continue;
    }
    unsigned cp = std::stoul(std::string(json.substr(i + 1, 4)), nullptr, 16);
    i += 4;
    EXPECT_TRUE(cp < 0x80 || (cp >= 0xdc80 && cp <= 0xdcff)) << cp;
    bytes.push_back(static_cast<char>(cp < 0x80 ? cp : cp - 0xdc00));
  }
  return bytes;
}

TEST(JsonString, EscapesQuoteBackslashAndControls) {
  EXPECT_EQ(JsonString("plain/path.c"), R"("plain/path.c")");
  EXPECT_EQ(JsonString("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(JsonString("a\nb\tc\rd"), R"("a\nb\tc\rd")");
  EXPECT_EQ(JsonString(std::string("\x01\x1f\x7f\0", 4)), R"("\u0001\u001f\u007f\u0000")");
  EXPECT_EQ(JsonString(""), R"("")");
}

TEST(JsonString, ValidUtf8PassesThrough) {
  EXPECT_EQ(JsonString("caf\xc3\xa9"), "\"caf\xc3\xa9\"");             // é
  EXPECT_EQ(JsonString("\xe2\x82\xac"), "\"\xe2\x82\xac\"");           // €
  EXPECT_EQ(JsonString("\xf0\x9f\x98\x80"), "\"\xf0\x9f\x98\x80\"");   // U+1F600
  EXPECT_EQ(JsonString("\xf4\x8f\xbf\xbf"), "\"\xf4\x8f\xbf\xbf\"");   // U+10FFFF
}

TEST(JsonString, InvalidBytesBecomeLowSurrogates) {
  EXPECT_EQ(JsonString("\x80"), R"("\udc80")");
  EXPECT_EQ(JsonString("a\xff" "b"), R"("a\udcffb")");
  // Overlong encodings of '/' and NUL.
  EXPECT_EQ(JsonString("\xc0\xaf"), R"("\udcc0\udcaf")");
  EXPECT_EQ(JsonString("\xe0\x80\xaf"), R"("\udce0\udc80\udcaf")");
  // A UTF-16 surrogate encoded in UTF-8 (U+D800).
  EXPECT_EQ(JsonString("\xed\xa0\x80"), R"("\udced\udca0\udc80")");
  // Above U+10FFFF.
  EXPECT_EQ(JsonString("\xf4\x90\x80\x80"), R"("\udcf4\udc90\udc80\udc80")");
}

TEST(JsonString, TruncatedSequenceEscapesEachByteAndResyncs) {
  EXPECT_EQ(JsonString("\xe2\x82"), R"("\udce2\udc82")");
  EXPECT_EQ(JsonString("\xe2\x82" "A\xc3\xa9"), "\"\\udce2\\udc82A\xc3\xa9\"");
  EXPECT_EQ(JsonString("\xf0\x9f\x98"), R"("\udcf0\udc9f\udc98")");
}

TEST(JsonString, RoundTripsEveryByteThroughAJsonParser) {
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  all += "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xed\xa0\x80\xe2\x82";
  EXPECT_EQ(DecodeSurrogateEscape(JsonString(all)), all);
}

TEST(JsonString, ValidUtf8RoundTripsThroughNlohmann) {
  std::string text;
  for (int c = 0; c < 0x80; ++c) text.push_back(static_cast<char>(c));
  text += "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
  EXPECT_EQ(nlohmann::json::parse(JsonString(text)).get<std::string>(), text);
}

TEST(JsonString, AppendsToAnExistingBuffer) {
  fmt::memory_buffer b;
  b.append(std::string_view("x="));
  AppendJsonString(b, "\xff");
  EXPECT_EQ(fmt::to_string(b), R"(x="\udcff")");
}

TEST(Utf8SequenceLength, ReportsLengthOrZero) {
  EXPECT_EQ(Utf8SequenceLength("a"), 1u);
  EXPECT_EQ(Utf8SequenceLength("\xc3\xa9x"), 2u);
  EXPECT_EQ(Utf8SequenceLength("\xe2\x82\xac"), 3u);
  EXPECT_EQ(Utf8SequenceLength("\xf0\x9f\x98\x80"), 4u);
  EXPECT_EQ(Utf8SequenceLength("\xc1\xbf"), 0u);
  EXPECT_EQ(Utf8SequenceLength("\xbf"), 0u);
  EXPECT_EQ(Utf8SequenceLength("\xf5\x80\x80\x80"), 0u);
  EXPECT_EQ(Utf8SequenceLength(""), 0u);
}

}  // namespace
}  // namespace fantrace
