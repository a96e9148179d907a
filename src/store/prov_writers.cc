// PROV-JSON (W3C member submission, 2013) and PROV-N (W3C recommendation,
// 2013) writers for a ProvDocument.
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lib/json_escape.h"
#include "store/prov_document.h"

namespace fantrace::store {
namespace {

const char* XsdTypeName(ProvType type) {
  switch (type) {
    case ProvType::kInt: return "xsd:int";
    case ProvType::kLong: return "xsd:long";
    case ProvType::kDateTime: return "xsd:dateTime";
    case ProvType::kQualifiedName: return "prov:QUALIFIED_NAME";
    case ProvType::kString: break;
  }
  return "xsd:string";
}

// Attribute values: strings as JSON strings, the rest as typed literals.
nlohmann::json JsonValue(const ProvValue& v) {
  if (v.type == ProvType::kString) return v.text;
  return {{"$", v.text}, {"type", XsdTypeName(v.type)}};
}

std::string ProvNValue(const ProvValue& v) {
  switch (v.type) {
    case ProvType::kString: return ProvNString(v.text);
    case ProvType::kInt: return v.text;  // INT_LITERAL is xsd:int
    case ProvType::kQualifiedName: return "'" + v.text + "'";
    case ProvType::kLong:
    case ProvType::kDateTime: break;
  }
  return fmt::format("{} %% {}", ProvNString(v.text), XsdTypeName(v.type));
}

}  // namespace

std::string ProvNString(std::string_view text) {
  std::string out = "\"";
  while (!text.empty()) {
    const size_t n = Utf8SequenceLength(text);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD, as the JSON writer does
      text.remove_prefix(1);
      continue;
    }
    const char c = text[0];
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: out.append(text.substr(0, n));
    }
    text.remove_prefix(n);
  }
  return out + "\"";
}

std::string ProvJson(const ProvDocument& doc) {
  nlohmann::json out = {{"prefix", {{"fantrace", kFantraceNamespace}}}};
  std::map<std::string, int> blank;  // relations numbered per kind: _:used1, _:used2, ...
  for (const ProvRecord& r : doc.records) {
    nlohmann::json body = nlohmann::json::object();
    for (const auto& [key, value] : r.args)
      if (value) body[key] = value->text;
    for (const auto& [key, value] : r.attributes) body[key] = JsonValue(value);
    const std::string id = r.id.empty() ? fmt::format("_:{}{}", r.kind, ++blank[r.kind]) : r.id;
    out[r.kind][id] = std::move(body);
  }
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string ProvN(const ProvDocument& doc) {
  std::string out = fmt::format("document\n  prefix fantrace <{}>\n\n", kFantraceNamespace);
  for (const ProvRecord& r : doc.records) {
    std::vector<std::string> parts;
    if (!r.id.empty()) parts.push_back(r.id);
    for (const auto& arg : r.args) parts.push_back(arg.second ? arg.second->text : "-");
    if (!r.attributes.empty()) {
      std::vector<std::string> attrs;
      for (const auto& [key, value] : r.attributes) attrs.push_back(key + "=" + ProvNValue(value));
      parts.push_back(fmt::format("[{}]", fmt::join(attrs, ", ")));
    }
    out += fmt::format("  {}({})\n", r.kind, fmt::join(parts, ", "));
  }
  return out + "endDocument\n";
}

}  // namespace fantrace::store
