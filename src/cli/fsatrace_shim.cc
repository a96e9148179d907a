#include "cli/fsatrace_shim.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include <fmt/format.h>

#include "cli/exit_status.h"
#include "cli/options.h"
#include "cli/trace_session.h"

namespace fantrace::cli {
namespace {

constexpr const char* kUsage =
    "usage: fsatrace FLAGS OUTPUT -- COMMAND [ARG...]\n"
    "  FLAGS: one word of these letters\n"
    "    r  report reads (r|path)          w  report writes (w|path)\n"
    "    m  report moves (m|to|from)       d  report deletions (d|path)\n"
    "    q  report file queries (q|path)   t  report touches (t|path)\n"
    "    v  print the argument vector      e  print verbose errors\n"
    "  OUTPUT: a file, or - for standard output\n"
    "  '---' instead of '--' keeps adjacent duplicate lines\n"
    "fsatrace is fantrace with fsatrace's command line: see fsatrace(1), fantrace(1).\n";

struct FileCloser {
  void operator()(FILE* f) const { fclose(f); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

}  // namespace

Result<FsatraceArgs> ParseFsatraceArgs(int argc, char** argv) {
  if (argc < 5) return MakeError("needs FLAGS, OUTPUT, -- and a command");
  FsatraceArgs a;
  for (char c : std::string_view(argv[1])) {
    if (strchr("rwmdqt", c)) {
      if (a.kinds.find(c) == std::string::npos) a.kinds.push_back(c);
    } else if (c == 'v') {
      a.print_args = true;
    } else if (c == 'e') {
      a.verbose_errors = true;
    } else {
      return MakeError(fmt::format("unknown flag '{}' in '{}' (flags: r w m d q t v e)", c, argv[1]));
    }
  }
  a.output = argv[2];
  if (a.output.empty()) return MakeError("OUTPUT is empty: give a file, or - for standard output");
  std::string_view dashes = argv[3];
  if (dashes != "--" && dashes != "---") return MakeError(fmt::format("expected -- after OUTPUT, not '{}'", dashes));
  a.keep_duplicates = dashes == "---";
  a.command.assign(argv + 4, argv + argc);
  return a;
}

Status FilterFsatraceLines(FILE* in, FILE* out, const std::string& kinds, bool keep_duplicates) {
  char* line = nullptr;
  size_t capacity = 0;
  std::string previous;
  bool have_previous = false;
  ssize_t n;
  errno = 0;
  while ((n = getline(&line, &capacity, in)) > 0) {
    std::string_view text(line, static_cast<size_t>(n));
    if (text.size() < 2 || text[1] != '|' || kinds.find(text[0]) == std::string::npos) continue;
    if (!keep_duplicates && have_previous && text == previous) continue;
    if (fwrite(text.data(), 1, text.size(), out) != text.size()) break;
    previous.assign(text);
    have_previous = true;
  }
  int read_errno = ferror(in) ? errno : 0;
  free(line);
  if (read_errno) return MakeError(fmt::format("reading the trace back failed: {}", strerror(read_errno)));
  if (fflush(out) != 0 || ferror(out)) return MakeError(fmt::format("writing failed: {}", strerror(errno)));
  return Ok{};
}

int RunFsatrace(int argc, char** argv) {
  Result<FsatraceArgs> args = ParseFsatraceArgs(argc, argv);
  if (!args) {
    fmt::print(stderr, "fsatrace: {}\n{}", args.error().message, kUsage);
    return kExitUsage;
  }
  if (args->print_args)
    for (size_t i = 0; i < args->command.size(); ++i) fmt::print(stderr, "argv[{}]={}\n", i, args->command[i]);

  // The trace goes to an unlinked temporary file first: fsatrace writes its
  // output when the command has ended, deduplicated, and so does this.
  const char* tmpdir = getenv("TMPDIR");
  std::string pattern = fmt::format("{}/fsatrace.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
  int fd = mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) {
    fmt::print(stderr, "fsatrace: cannot create a temporary file in {}: {} (set TMPDIR)\n",
               tmpdir ? tmpdir : "/tmp", strerror(errno));
    return kExitUsage;
  }
  unlink(pattern.c_str());
  FilePtr trace(fdopen(fd, "r"));

  Options o;
  o.mode = Mode::kRun;
  o.format = "fsatrace";
  o.output = fmt::format("/proc/self/fd/{}", fd);
  o.summary_if_incomplete = true;
  o.command = args->command;
  int status = RunTraceSession(o);
  if (args->verbose_errors && status != 0)
    fmt::print(stderr, "fsatrace: error: command failed with code {}\n", status);

  FilePtr file;
  FILE* out = stdout;
  if (args->output != "-") {
    file.reset(fopen(args->output.c_str(), "we"));
    if (!file) {
      fmt::print(stderr, "fsatrace: cannot open output file {}: {}\n", args->output, strerror(errno));
      return kExitUsage;
    }
    out = file.get();
  }
  rewind(trace.get());
  if (Status st = FilterFsatraceLines(trace.get(), out, args->kinds, args->keep_duplicates); !st) {
    fmt::print(stderr, "fsatrace: {} ({})\n", st.error().message, args->output == "-" ? "standard output" : args->output);
    return kExitUsage;
  }
  return status;
}

}  // namespace fantrace::cli
