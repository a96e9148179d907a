// The reproduction subcommands: pack (trace a command, or read a jsonl
// trace, and write a bundle), replay (run a bundle isolated and traced),
// unpack, info and export-image. Each returns fantrace's exit status as
// its --help documents it: pack the command's status (0 with --from),
// replay the command's (with --verify 0 same, 1 different), the others 0;
// kExitUsage (2) when fantrace itself failed.
#pragma once

#include "cli/options.h"

namespace fantrace::cli {

int RunPackCommand(const Options& options);

}  // namespace fantrace::cli
