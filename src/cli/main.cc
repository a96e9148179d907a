// fantrace: trace the file events of one process tree. See --help.
#include "cli/doctor.h"
#include "cli/options.h"
#include "cli/pack_commands.h"
#include "cli/shell_init.h"
#include "cli/shell_session.h"
#include "cli/store_commands.h"
#include "cli/trace_session.h"

int main(int argc, char** argv) {
  fantrace::cli::Options options = fantrace::cli::ParseOptions(argc, argv);
  using fantrace::cli::Mode;
  switch (options.mode) {
    case Mode::kExit: return options.exit_status;
    case Mode::kDoctor: return fantrace::cli::RunDoctor();
    case Mode::kShellInit: return fantrace::cli::RunShellInit(options.shell, options.shell_disable);
    case Mode::kShellSession: return fantrace::cli::RunShellSession(options);
    case Mode::kRun:
    case Mode::kAttach:
    case Mode::kRecord: return fantrace::cli::RunTraceSession(options);
    case Mode::kPack:
    case Mode::kReplay:
    case Mode::kUnpack:
    case Mode::kInfo:
    case Mode::kExportImage: return fantrace::cli::RunPackCommand(options);
    default: return fantrace::cli::RunStoreCommand(options);
  }
}
