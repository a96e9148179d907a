// Reading fantrace's jsonl output in tests.
//
// nlohmann::json rejects lone surrogate escapes, but the jsonl contract
// writes a path byte that is not UTF-8 as \udcXX (Python's
// surrogateescape), so lines are parsed through ParseJsonl.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fantrace::itest {

using Json = nlohmann::json;

// Parses jsonl. The contract writes a path byte that is not UTF-8 as the
// escape \udcXX (Python's surrogateescape); the returned strings hold the
// raw byte again. On a bad line returns nullopt and sets *error.
std::optional<std::vector<Json>> ParseJsonl(std::string_view text, std::string* error);

}  // namespace fantrace::itest
