// fantrace: trace the file events of one process tree. See --help.
#include "cli/doctor.h"
#include "cli/options.h"
#include "cli/trace_session.h"

int main(int argc, char** argv) {
  fantrace::cli::Options options = fantrace::cli::ParseOptions(argc, argv);
  if (options.mode == fantrace::cli::Mode::kExit) return options.exit_status;
  if (options.mode == fantrace::cli::Mode::kDoctor) return fantrace::cli::RunDoctor();
  return fantrace::cli::RunTraceSession(options);
}
