// fantrace export: recorded commands as W3C PROV (PROV-JSON, PROV-N), an
// RO-Crate (Process Run Crate), a Snakefile or a Makefile. It has its own
// options (export_command.cc) and is reached from main before the other
// subcommands are parsed.
#pragma once

namespace fantrace::cli {

// `fantrace export ARGS...` (argv[1] is "export"); returns the exit status:
// 0 exported, 1 nothing to export, 2 errors (docs/provenance.md).
int RunExport(int argc, char** argv);

}  // namespace fantrace::cli
