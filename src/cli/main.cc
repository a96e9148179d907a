// fantrace: trace the file events of one process tree. See --help.
#include <cstring>
#include <string_view>

#include "cli/argv_secrets.h"
#include "cli/doctor.h"
#include "cli/export_command.h"
#include "cli/fsatrace_shim.h"
#include "cli/options.h"
#include "cli/pack_commands.h"
#include "cli/shell_init.h"
#include "cli/shell_session.h"
#include "cli/store_commands.h"
#include "cli/sync_command.h"
#include "cli/trace_session.h"

int main(int argc, char** argv) {
  // Installed as a link named fsatrace too: then it takes fsatrace's command line.
  const char* slash = argc > 0 ? strrchr(argv[0], '/') : nullptr;
  if (argc > 0 && strcmp(slash ? slash + 1 : argv[0], "fsatrace") == 0) return fantrace::cli::RunFsatrace(argc, argv);
  // export has options of its own (cli/export_command.cc).
  if (argc > 1 && std::string_view(argv[1]) == "export") return fantrace::cli::RunExport(argc, argv);
  fantrace::cli::Options options = fantrace::cli::ParseOptions(argc, argv);
  fantrace::cli::HideUriPasswords(argc, argv);  // parsed: the options hold copies
  using fantrace::cli::Mode;
  switch (options.mode) {
    case Mode::kExit: return options.exit_status;
    case Mode::kDoctor: return fantrace::cli::RunDoctor();
    case Mode::kShellInit: return fantrace::cli::RunShellInit(options.shell, options.shell_disable);
    case Mode::kShellSession: return fantrace::cli::RunShellSession(options);
    case Mode::kSync: return fantrace::cli::RunSync(options);
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
