#include "jsonl.h"

#include <charconv>

namespace fantrace::itest {
namespace {

// A \udcXX escape (XX >= 0x80) that does not follow a high surrogate is a
// raw byte in surrogateescape. Putting \udbff before it makes a valid pair
// for the private-use code point U+10FC00 + XX, which nlohmann accepts.
constexpr std::string_view kPairingHigh = "\\udbff";
constexpr char32_t kByteBase = 0x10FC00;

std::optional<unsigned> Hex4(std::string_view s) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, 16);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

std::string PairLoneSurrogates(std::string_view line) {
  std::string paired;
  paired.reserve(line.size());
  bool after_high_surrogate = false;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] != '\\' || i + 1 >= line.size()) {
      paired += line[i];
      after_high_surrogate = false;
      continue;
    }
    // Backslashes only occur inside JSON strings, always as an escape.
    std::optional<unsigned> unit;
    if (line[i + 1] == 'u' && i + 6 <= line.size()) unit = Hex4(line.substr(i + 2, 4));
    if (!unit) {
      paired.append(line.substr(i, 2));
      ++i;
      after_high_surrogate = false;
      continue;
    }
    if (*unit >= 0xDC80 && *unit <= 0xDCFF && !after_high_surrogate) paired += kPairingHigh;
    paired.append(line.substr(i, 6));
    i += 5;
    after_high_surrogate = *unit >= 0xD800 && *unit <= 0xDBFF;
  }
  return paired;
}

// Turns each UTF-8 encoded U+10FC80..U+10FCFF back into its byte.
std::string UnpairBytes(const std::string& s) {
  std::string raw;
  raw.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    if (i + 3 < s.size() && byte(i) == 0xF4 && byte(i + 1) == 0x8F &&
        (byte(i + 2) == 0xB2 || byte(i + 2) == 0xB3)) {
      char32_t cp = ((byte(i + 2) & 0x3Fu) << 6 | (byte(i + 3) & 0x3Fu)) + 0x10F000;
      if (cp - kByteBase >= 0x80 && cp - kByteBase <= 0xFF) {
        raw += static_cast<char>(cp - kByteBase);
        i += 3;
        continue;
      }
    }
    raw += s[i];
  }
  return raw;
}

void UnpairStrings(Json& value) {
  if (value.is_string()) {
    value = UnpairBytes(value.get_ref<const std::string&>());
  } else if (value.is_structured()) {
    for (Json& child : value) UnpairStrings(child);
  }
}

}  // namespace

std::optional<std::vector<Json>> ParseJsonl(std::string_view text, std::string* error) {
  std::vector<Json> values;
  size_t line_number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if (line.empty()) continue;
    Json value = Json::parse(PairLoneSurrogates(line), nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded() || !value.is_object()) {
      *error = "jsonl line " + std::to_string(line_number) + " is not a JSON object: " +
               std::string(line.substr(0, 300));
      return std::nullopt;
    }
    UnpairStrings(value);
    values.push_back(std::move(value));
  }
  return values;
}

}  // namespace fantrace::itest
