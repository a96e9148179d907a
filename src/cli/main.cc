// fantrace: trace the file events of one process tree. See --help.
#include "cli/options.h"
#include "cli/trace_session.h"

int main(int argc, char** argv) {
  fantrace::cli::Options options = fantrace::cli::ParseOptions(argc, argv);
  if (options.mode == fantrace::cli::Mode::kExit) return options.exit_status;
  return fantrace::cli::RunTraceSession(options);
}
