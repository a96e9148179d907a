// The exported commands as rules a workflow tool can run again: a
// Snakefile (Snakemake) or a Makefile (GNU make 4.3, grouped targets).
// One rule per command that wrote a file, oldest first: its inputs are the
// files it read and the scripts it ran (outside system directories), its
// outputs the files it wrote (a path written again later belongs to the
// later command), its recipe the recorded argv as a POSIX shell line, run
// in the recorded directory. Paths under `base` are written relative to
// it (the tools are then run there); others stay absolute. Names neither
// tool can express (a newline in a path, braces for Snakemake, '=' or ';'
// for make, ...) are errors naming the command. Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "fantrace/result.h"
#include "store/export_graph.h"

namespace fantrace::store {

Result<std::string> WriteSnakefile(const ExportGraph& graph, const std::string& base);
Result<std::string> WriteMakefile(const ExportGraph& graph, const std::string& base);

// The pieces, for tests: `path` relative to `base` if under it, "." for
// base itself; a Python string literal; a path as a make target (or, not
// `target`, a prerequisite) word; a shell line as a make recipe line.
std::string PathFromBase(const std::string& path, const std::string& base);
Result<std::string> PythonString(std::string_view text);
Result<std::string> MakeWord(std::string_view path, bool target);
Result<std::string> MakeRecipe(std::string_view line);

// The deepest directory that holds every command's working directory.
std::string CommonDirectory(const ExportGraph& graph);

}  // namespace fantrace::store
