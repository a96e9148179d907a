// libFuzzer target: the JSON string escaper. The oracle is the jsonl
// contract: the output is one JSON string literal of valid UTF-8 with no
// raw control byte, and reading it back with surrogateescape (\udcXX is
// the byte XX) gives the input bytes exactly.
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/json_escape.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

void AppendUtf8(std::string& out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

// Reads a JSON string literal back the way Python's json + surrogateescape
// does; traps on anything that is not well-formed.
std::string Unescape(std::string_view s) {
  Check(s.size() >= 2 && s.front() == '"' && s.back() == '"');
  s = s.substr(1, s.size() - 2);
  std::string out;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    Check(c >= 0x20 && c != 0x7f && c != '"');
    if (c != '\\') {
      size_t len = fantrace::Utf8SequenceLength(s.substr(i));
      Check(len > 0);
      out.append(s.substr(i, len));
      i += len;
      continue;
    }
    Check(i + 1 < s.size());
    char e = s[i + 1];
    i += 2;
    switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        Check(i + 4 <= s.size());
        unsigned cp = std::stoul(std::string(s.substr(i, 4)), nullptr, 16);
        i += 4;
        if (cp >= 0xdc80 && cp <= 0xdcff) out += static_cast<char>(cp - 0xdc00);
        else {
          Check(cp < 0xd800 || cp > 0xdfff);  // no other lone surrogate
          AppendUtf8(out, cp);
        }
        break;
      }
      default: Check(false);
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::string literal = fantrace::JsonString(bytes);
  Check(Unescape(literal) == bytes);
  return 0;
}
