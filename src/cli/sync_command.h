// `fantrace sync --to URI [--from PATH]`: copies the commands of the local
// SQLite database (record's default one unless --from) that the target
// store lacks (store/sync.h). Exit status 0, or 2 on errors.
#pragma once

#include "cli/options.h"

namespace fantrace::cli {

int RunSync(const Options& options);

}  // namespace fantrace::cli
