// libFuzzer target: the command line. Input: arguments separated by NUL
// bytes, given to ParseOptions after "fantrace"; the first one also goes
// to ParseSize and EventMaskFromList. Run with -close_fd_mask=3: the
// parser prints help and errors.
#include <cstdint>
#include <string>
#include <vector>

#include "cli/options.h"
#include "fantrace/tracer.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> args{"fantrace"};
  std::string current;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\0') {
      args.push_back(current);
      current.clear();
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  args.push_back(current);
  if (args.size() > 64) return 0;

  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  fantrace::cli::Options options = fantrace::cli::ParseOptions(static_cast<int>(args.size()), argv.data());
  if (options.mode == fantrace::cli::Mode::kRun) Check(!options.command.empty());
  if (options.mode == fantrace::cli::Mode::kAttach) Check(options.attach_pid > 0);
  if (options.mode == fantrace::cli::Mode::kExit) Check(options.exit_status == 0 || options.exit_status == 2);

  fantrace::Result<uint64_t> bytes = fantrace::cli::ParseSize(args[1]);
  if (bytes && !args[1].empty() && (args[1].back() == 'K' || args[1].back() == 'k'))
    Check(*bytes % 1024 == 0);
  fantrace::Result<uint32_t> mask = fantrace::EventMaskFromList(args[1]);
  if (mask) Check(*mask != 0);
  return 0;
}
