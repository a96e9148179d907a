#include "lib/json_escape.h"

namespace fantrace {
namespace {

bool IsContinuation(unsigned char c) { return (c & 0xc0) == 0x80; }

// Bytes that can be copied as they are: printable ASCII except `"` and `\`.
bool IsPlainAscii(unsigned char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; }

void AppendEscapedAscii(fmt::memory_buffer& out, unsigned char c) {
  switch (c) {
    case '"': out.append(std::string_view("\\\"")); return;
    case '\\': out.append(std::string_view("\\\\")); return;
    case '\b': out.append(std::string_view("\\b")); return;
    case '\f': out.append(std::string_view("\\f")); return;
    case '\n': out.append(std::string_view("\\n")); return;
    case '\r': out.append(std::string_view("\\r")); return;
    case '\t': out.append(std::string_view("\\t")); return;
    default: fmt::format_to(fmt::appender(out), "\\u{:04x}", c); return;
  }
}

}  // namespace

size_t Utf8SequenceLength(std::string_view s) {
  if (s.empty()) return 0;
  const auto c0 = static_cast<unsigned char>(s[0]);
  if (c0 < 0x80) return 1;

  // The second byte's allowed range is what excludes overlong forms
  // (E0 80..9F, F0 80..8F), UTF-16 surrogates (ED A0..BF) and code points
  // above U+10FFFF (F4 90..); see RFC 3629 section 4.
  size_t len;
  unsigned char lo = 0x80, hi = 0xbf;
  if (c0 >= 0xc2 && c0 <= 0xdf) {
    len = 2;
  } else if (c0 >= 0xe0 && c0 <= 0xef) {
    len = 3;
    if (c0 == 0xe0) lo = 0xa0;
    if (c0 == 0xed) hi = 0x9f;
  } else if (c0 >= 0xf0 && c0 <= 0xf4) {
    len = 4;
    if (c0 == 0xf0) lo = 0x90;
    if (c0 == 0xf4) hi = 0x8f;
  } else {
    return 0;  // continuation byte, C0/C1 overlong lead, or F5..FF
  }
  if (s.size() < len) return 0;
  const auto c1 = static_cast<unsigned char>(s[1]);
  if (c1 < lo || c1 > hi) return 0;
  for (size_t i = 2; i < len; ++i) {
    if (!IsContinuation(static_cast<unsigned char>(s[i]))) return 0;
  }
  return len;
}

void AppendJsonString(fmt::memory_buffer& out, std::string_view bytes) {
  out.push_back('"');
  size_t i = 0;
  while (i < bytes.size()) {
    // Copy runs of plain ASCII in one append: paths are mostly that.
    size_t run = i;
    while (run < bytes.size() && IsPlainAscii(static_cast<unsigned char>(bytes[run]))) ++run;
    if (run > i) {
      out.append(bytes.substr(i, run - i));
      i = run;
      continue;
    }
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c < 0x80) {
      AppendEscapedAscii(out, c);
      ++i;
      continue;
    }
    size_t len = Utf8SequenceLength(bytes.substr(i));
    if (len == 0) {
      // One surrogate per bad byte, so the next byte gets its own chance to
      // start a valid sequence (Python does the same).
      fmt::format_to(fmt::appender(out), "\\udc{:02x}", c);
      ++i;
      continue;
    }
    out.append(bytes.substr(i, len));
    i += len;
  }
  out.push_back('"');
}

std::string JsonString(std::string_view bytes) {
  fmt::memory_buffer out;
  AppendJsonString(out, bytes);
  return fmt::to_string(out);
}

}  // namespace fantrace
