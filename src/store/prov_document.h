// The exported commands as a W3C PROV document (PROV-DM), and its two
// serializations: PROV-JSON (the W3C member submission) and PROV-N. Each
// command is an Activity, each file version an Entity, the user and the
// host Agents; used, wasGeneratedBy, wasInvalidatedBy, wasInformedBy,
// wasAssociatedWith and wasDerivedFrom relate them. Terms PROV lacks are in
// the fantrace namespace (kFantraceNamespace; docs/provenance.md lists
// them). Identifiers are local to one database. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/export_graph.h"

namespace fantrace::store {

inline constexpr const char* kFantraceNamespace = "urn:fantrace:";

enum class ProvType { kString, kInt, kLong, kDateTime, kQualifiedName };

struct ProvValue {
  std::string text;  // as written in the document (a qualified name for kQualifiedName)
  ProvType type = ProvType::kString;
};

struct ProvRecord {
  std::string kind;  // "entity", "activity", "agent", "used", "wasGeneratedBy", ...
  std::string id;    // a qualified name; "" for relations (PROV-JSON gives them blank ids)
  // The positional arguments after the id, named as PROV-JSON names them
  // ("prov:activity", "prov:time"); nullopt is PROV-N's '-'.
  std::vector<std::pair<std::string, std::optional<ProvValue>>> args;
  std::vector<std::pair<std::string, ProvValue>> attributes;
};

struct ProvDocument {
  std::vector<ProvRecord> records;  // elements first, then relations
};

ProvDocument BuildProvDocument(const ExportGraph& graph);

std::string ProvJson(const ProvDocument& doc);
std::string ProvN(const ProvDocument& doc);

// "fantrace:" and the local part of a qualified name made of `text`:
// letters, digits, '_' and '-' kept, '.' kept inside, every other byte
// percent-encoded (PROV-N's PN_LOCAL allows %XX anywhere).
std::string FantraceName(std::string_view text);

// An xsd:dateTime in UTC with nanoseconds: 2026-12-06T05:22:31.123456789Z.
std::string XsdDateTime(int64_t ns);

// A PROV-N string literal of `text` (quotes, backslashes and line breaks
// escaped; invalid UTF-8 replaced by U+FFFD).
std::string ProvNString(std::string_view text);

}  // namespace fantrace::store
