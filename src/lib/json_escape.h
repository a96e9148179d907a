// JSON string literals for byte strings. Linux paths and argv are bytes, not
// text, and a jsonl consumer must get every byte back: valid UTF-8 passes
// through, and each byte that is not part of valid UTF-8 becomes the lone
// surrogate \udcXX, as Python's "surrogateescape" error handler does (so
// Python reads it back with os.fsencode). nlohmann's dump would throw on such
// bytes, which is why paths never go through it. Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <fmt/format.h>

namespace fantrace {

// Appends `bytes` as a quoted JSON string: `"` and `\` escaped, control
// characters (and DEL) as \n, \t, \u00XX, invalid UTF-8 bytes as \udcXX.
void AppendJsonString(fmt::memory_buffer& out, std::string_view bytes);

// The same, returned as a std::string (for tests and cold paths).
std::string JsonString(std::string_view bytes);

// The length of the valid UTF-8 sequence starting at s[0], or 0 when s[0]
// does not start one (stray continuation byte, overlong form, encoded
// surrogate, code point above U+10FFFF, or a sequence cut short).
size_t Utf8SequenceLength(std::string_view s);

}  // namespace fantrace
