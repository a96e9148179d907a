// The fsatrace command: fantrace behind the command line of fsatrace
// (github.com/jacereda/fsatrace), for build systems that call it (Shake's
// FSATrace, rattle, ...). Installed as a link named fsatrace to fantrace;
// main() dispatches on argv[0].
//
//   fsatrace FLAGS OUTPUT -- COMMAND [ARG...]
//
// FLAGS: r w m d q t pick the line kinds reported, v prints the argument
// vector first, e prints a line when the command fails. OUTPUT is a file or
// '-' for standard output, written once the command has ended, as fsatrace
// does. After "--" adjacent duplicate lines are dropped; after "---" every
// line is kept (fsatrace's raw dump). Exit status: the command's.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "fantrace/result.h"

namespace fantrace::cli {

struct FsatraceArgs {
  std::string kinds;              // the line kinds to keep: a subset of "rwmdqt"
  bool print_args = false;        // v
  bool verbose_errors = false;    // e
  bool keep_duplicates = false;   // "---" instead of "--"
  std::string output;             // "-" = standard output
  std::vector<std::string> command;
};

// argv as the fsatrace command got it (argv[0] is the program name).
Result<FsatraceArgs> ParseFsatraceArgs(int argc, char** argv);

// Copies fsatrace lines from `in` to `out`, keeping the lines whose kind
// (the byte before the first '|') is in `kinds`, without repeating a line
// that equals the previous one written unless `keep_duplicates`.
Status FilterFsatraceLines(FILE* in, FILE* out, const std::string& kinds, bool keep_duplicates);

// The whole fsatrace command; returns the exit status.
int RunFsatrace(int argc, char** argv);

}  // namespace fantrace::cli
