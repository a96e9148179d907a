// How the provenance subcommands print: aligned tables and text for
// people, JSON (one document on standard output) for programs. Paths and
// arguments that are not valid UTF-8 get U+FFFD in JSON, never an error.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/command_record.h"
#include "store/queries.h"

namespace fantrace::cli {

nlohmann::json CommandJson(const store::CommandRecord& c);  // files included when loaded
nlohmann::json FileJson(const store::FileRecord& f);
nlohmann::json MatchJson(const store::FileMatch& m);

// Lines of columns, padded to the widest cell; the last column is not padded.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows);

// history: ID, started, duration, exit, directory, command.
std::string HistoryTable(const std::vector<store::CommandRecord>& commands);
// query: as history, plus how each command matched the file asked about.
std::string QueryTable(const std::vector<store::CommandRecord>& commands,
                       const std::vector<std::vector<store::FileMatch>>& matches);
// show: the command, then its files.
std::string ShowText(const store::CommandRecord& c);

// Dumps `value` with a newline; invalid UTF-8 replaced.
void PrintJson(FILE* out, const nlohmann::json& value);

}  // namespace fantrace::cli
