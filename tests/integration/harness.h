// The integration-test harness: runs the real fantrace binary on real
// commands (as root), captures its exit status, stdout, stderr and jsonl
// output, and answers questions about the parsed events.
//
// Paths in tests come from TempDir, which is canonical (realpath), so they
// compare byte for byte with the tracer's canonical paths. Nothing here is
// thread-safe; each test owns its objects. Helpers report harness failures
// with ADD_FAILURE and return empty values, so a test reads straight on.
#pragma once

#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jsonl.h"
#include "process.h"

namespace fantrace::itest {

using Paths = std::vector<std::string>;

// The absolute path of a scenario program built from progs/NAME.c.
std::string Prog(std::string_view name);

// One finished fantrace invocation.
struct Trace {
  int status = -1;           // fantrace's own exit status
  std::string out;           // fantrace's stdout
  std::string err;           // fantrace's stderr
  std::string jsonl;         // the raw jsonl output
  std::vector<Json> events;  // parsed jsonl lines, summary included

  // Events of one type, in output order.
  std::vector<Json> Events(std::string_view type) const;
  // Events of one type whose "path" is exactly `path`.
  std::vector<Json> EventsAt(std::string_view type, std::string_view path) const;
  // Events of any type whose "path" is exactly `path`.
  std::vector<Json> EventsAtPath(std::string_view path) const;
  // The events of `pid` of one type.
  std::vector<Json> EventsOf(std::string_view type, long pid) const;
  // The one event of `type` at `path` (or of `pid`); nullopt and a test
  // failure that shows the whole trace unless there is exactly one.
  std::optional<Json> OnlyEventAt(std::string_view type, std::string_view path) const;
  std::optional<Json> OnlyEventOf(std::string_view type, long pid) const;
  // The final summary line; an empty object (and a test failure) if absent.
  const Json& Summary() const;
  // A summary list ("read", "written", "deleted", "executed"), sorted.
  Paths Listed(std::string_view list) const;
  // The part of a summary list inside `dir`, sorted.
  Paths ListedUnder(std::string_view list, std::string_view dir) const;
  bool Lists(std::string_view list, std::string_view path) const;
  // Whether any string anywhere in any event is `dir` or lies below it.
  bool MentionsUnder(std::string_view dir) const;
};

// Runs `fantrace ARGS...` to completion; no output parsing.
Trace RunFantrace(const std::vector<std::string>& args);

// A finished `fantrace ... --format jsonl -o -`, its jsonl on stdout,
// parsed (a test failure when it is not jsonl).
Trace TraceOfStdout(ProcessResult result);

// `fantrace VERB --format jsonl -o FILE ARGS...`, running in the background
// so that tests can do things while it traces.
class FantraceRun {
 public:
  FantraceRun(std::string_view verb, const std::vector<std::string>& args);
  // Waits for fantrace to exit, then reads and parses FILE.
  Trace Finish(std::chrono::seconds timeout = kRunTimeout);
  // FILE: fantrace creates it once its programs are loaded and attached.
  const std::string& output_path() const { return output_path_; }

 private:
  TempDir output_dir_;
  std::string output_path_;
  std::optional<Process> process_;
};

// Returns once an attach is in effect: fantrace (or the daemon's session)
// creates its output file when the programs are attached, and adds the
// tree a moment after, so this waits for the file and then one second.
void WaitUntilAttached(const std::string& output_path);

// Starts `fantrace run --format jsonl -o FILE OPTIONS... -- COMMAND...`.
FantraceRun StartRun(const std::vector<std::string>& command,
                     const std::vector<std::string>& options = {});
// The same, to completion.
Trace TraceRun(const std::vector<std::string>& command,
               const std::vector<std::string>& options = {});

// Whether this kernel's io_uring operations are decoded: from 5.19 on (the
// request carries its result); an older kernel (Debian 11's 5.10) counts
// them instead (io_uring_undecoded).
bool KernelDecodesUring();

// True when `path` is `dir` or lies below it.
bool IsUnder(std::string_view path, std::string_view dir);

// DIR/PREFIX0 .. DIR/PREFIX{count-1}, sorted: the files the loop programs make.
Paths NumberedFiles(const TempDir& dir, std::string_view prefix, int count);
// The paths of sorted `expected` that sorted `actual` lacks.
Paths Missing(const Paths& expected, const Paths& actual);
// The first few paths, for a failure message that stays readable.
std::string Head(const Paths& paths);

}  // namespace fantrace::itest

// Skips the current test unless the process runs as root.
#define FANTRACE_REQUIRE_ROOT()                                  \
  do {                                                           \
    if (geteuid() != 0) GTEST_SKIP() << "needs root for eBPF";   \
  } while (0)
