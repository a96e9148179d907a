// Writing an RO-Crate directory for fantrace export: ro-crate-metadata.json
// and, with the files, each recorded version whose bytes can still be had:
// the file on disk if its content is still the recorded one (checked on
// the copy, so a file changing meanwhile is not taken), else the content
// the database kept. Versions that cannot be had are described only, and
// named in a warning.
#pragma once

#include <string>

#include "fantrace/result.h"
#include "store/export_graph.h"
#include "store/sqlite.h"

namespace fantrace::cli {

Status WriteCrate(store::Database& db, const store::ExportGraph& graph, const std::string& dir,
                  const std::string& base, bool with_files, int64_t now_ns);

}  // namespace fantrace::cli
