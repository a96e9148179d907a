// JSON that carries Linux byte strings (paths, argv, environment) exactly,
// with the convention of the jsonl contract (docs/jsonl.md): a byte that is
// not part of valid UTF-8 is written as the lone surrogate escape \udcXX,
// as Python's surrogateescape does. nlohmann::json refuses lone surrogates
// and invalid UTF-8, so these helpers map such a byte to the private-use
// code point U+10FC00+XX on the way in and back to the byte on the way out.
// Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fantrace/result.h"

namespace fantrace::pack {

using Json = nlohmann::json;

// Parses one JSON document; strings come back as the exact bytes.
Result<Json> ParseJsonBytes(std::string_view text);

// A string for a Json value that holds `bytes` (invalid bytes mapped).
std::string JsonSafe(std::string_view bytes);

// Serialises `value` (built with JsonSafe strings) as ASCII JSON, the
// mapped bytes written as \udcXX. indent < 0: one line.
std::string DumpJsonBytes(const Json& value, int indent = -1);

}  // namespace fantrace::pack
