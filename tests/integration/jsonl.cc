#include "jsonl.h"

#include "pack/json_bytes.h"

namespace fantrace::itest {

// Each line through the pack library's byte-exact parser (the same
// surrogateescape convention as the jsonl contract).
std::optional<std::vector<Json>> ParseJsonl(std::string_view text, std::string* error) {
  std::vector<Json> values;
  size_t line_number = 0;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    ++line_number;
    if (line.empty()) continue;
    Result<Json> value = pack::ParseJsonBytes(line);
    if (!value || !value->is_object()) {
      *error = "jsonl line " + std::to_string(line_number) + " is not a JSON object: " +
               std::string(line.substr(0, 300));
      return std::nullopt;
    }
    values.push_back(std::move(*value));
  }
  return values;
}

}  // namespace fantrace::itest
