#include "pack/json_bytes.h"

#include <charconv>
#include <optional>

#include "lib/json_escape.h"

namespace fantrace::pack {
namespace {

// A \udcXX escape (XX >= 0x80) that does not follow a high surrogate is a
// raw byte; \udbff before it makes the pair of U+10FC00 + XX.
constexpr std::string_view kPairingHigh = "\\udbff";
constexpr char32_t kByteBase = 0x10FC00;

std::optional<unsigned> Hex4(std::string_view s) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value, 16);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

std::string PairLoneSurrogates(std::string_view text) {
  std::string paired;
  paired.reserve(text.size());
  bool after_high = false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\' || i + 1 >= text.size()) {
      paired += text[i];
      after_high = false;
      continue;
    }
    std::optional<unsigned> unit;
    if (text[i + 1] == 'u' && i + 6 <= text.size()) unit = Hex4(text.substr(i + 2, 4));
    if (!unit) {
      paired.append(text.substr(i, 2));
      ++i;
      after_high = false;
      continue;
    }
    if (*unit >= 0xDC80 && *unit <= 0xDCFF && !after_high) paired += kPairingHigh;
    paired.append(text.substr(i, 6));
    i += 5;
    after_high = *unit >= 0xD800 && *unit <= 0xDBFF;
  }
  return paired;
}

// Each UTF-8 encoded U+10FC80..U+10FCFF back into its byte.
std::string UnpairBytes(const std::string& s) {
  std::string raw;
  raw.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    if (i + 3 < s.size() && byte(i) == 0xF4 && byte(i + 1) == 0x8F && (byte(i + 2) == 0xB2 || byte(i + 2) == 0xB3)) {
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
  } else if (value.is_object()) {
    // Keys are strings too (environment names).
    Json fixed = Json::object();
    for (auto& [key, child] : value.items()) {
      UnpairStrings(child);
      fixed[UnpairBytes(key)] = std::move(child);
    }
    value = std::move(fixed);
  } else if (value.is_array()) {
    for (Json& child : value) UnpairStrings(child);
  }
}

}  // namespace

Result<Json> ParseJsonBytes(std::string_view text) {
  Json value = Json::parse(PairLoneSurrogates(text), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return MakeError("not valid JSON");
  UnpairStrings(value);
  return value;
}

std::string JsonSafe(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  while (!bytes.empty()) {
    size_t n = Utf8SequenceLength(bytes);
    if (n > 0) {
      out.append(bytes.substr(0, n));
      bytes.remove_prefix(n);
      continue;
    }
    char32_t cp = kByteBase + static_cast<unsigned char>(bytes[0]);
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
    bytes.remove_prefix(1);
  }
  return out;
}

std::string DumpJsonBytes(const Json& value, int indent) {
  // ensure_ascii writes U+10FCXX as the pair \udbff\udcXX: dropping the
  // high half leaves the contract's \udcXX.
  std::string text = value.dump(indent, ' ', /*ensure_ascii=*/true, Json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 6, kPairingHigh) == 0 && text.compare(i + 6, 4, "\\udc") == 0 && i + 12 <= text.size()) {
      std::optional<unsigned> low = Hex4(std::string_view(text).substr(i + 8, 4));
      if (low && *low >= 0xDC80 && *low <= 0xDCFF) {
        i += 5;  // skip "\udbff"
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

}  // namespace fantrace::pack
