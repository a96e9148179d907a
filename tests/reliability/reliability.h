// Shared pieces of the reliability tests: the stress switch, the BPF
// objects (programs, maps, links) one fantrace process holds, and a
// fantrace run whose process id the test can see (to find those objects,
// or to kill it).
//
// Other fantrace instances (other tests, other users) may run on the same
// machine at the same time, so a test never looks at "all BPF programs":
// it takes the ids from /proc/PID/fdinfo of its own fantrace and checks
// exactly those. Not thread-safe; each test owns its objects.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

namespace fantrace::rtest {

using itest::Json;
using itest::Paths;
using itest::Process;
using itest::TempDir;
using itest::Trace;

// FANTRACE_STRESS=1 in the environment: the full sizes of the issue (20,000
// processes, 1,000 threads, ...); otherwise the reduced sizes CI runs.
bool StressMode();
int Sized(int reduced, int stress);

// A scenario program from tests/reliability/progs.
std::string RProg(const std::string& name);

// BPF object ids by kind.
struct BpfIds {
  std::set<uint32_t> progs, maps, links;
  bool empty() const { return progs.empty() && maps.empty() && links.empty(); }
  std::string Describe() const;
};

// The ids of the BPF objects process `pid` holds open (/proc/PID/fdinfo).
BpfIds BpfIdsHeldBy(pid_t pid);
// The ids of every BPF object the kernel has now (bpftool -j ... show).
BpfIds BpfIdsLoaded();
// Polls bpftool until none of `ours` is loaded any more or `timeout`
// passes; returns those still there.
BpfIds WaitUntilGone(const BpfIds& ours, std::chrono::seconds timeout);

// name -> map id, for the maps among `ids` (bpftool map show).
std::map<std::string, uint32_t> MapNames(const BpfIds& ids);
// The number of entries in map `id` (bpftool map dump); -1 on failure.
long MapEntries(uint32_t id);

// Polls until `path` exists; false after `timeout`.
bool WaitForFile(const std::string& path, std::chrono::seconds timeout);

// `[WRAPPER...] fantrace run --format jsonl -o DIR/trace.jsonl OPTIONS...
// -- COMMAND...` in the background, with its pid visible. A wrapper (nice,
// taskset) must exec fantrace in the same process.
class TracedRun {
 public:
  TracedRun(const std::vector<std::string>& command, const std::vector<std::string>& options = {},
            const std::vector<std::string>& wrapper = {});
  pid_t pid() const { return process_.pid(); }
  const std::string& output_path() const { return output_path_; }
  // Waits for fantrace, then parses its output (a parse failure is a test
  // failure unless `allow_bad_output`).
  Trace Finish(std::chrono::seconds timeout = itest::kRunTimeout, bool allow_bad_output = false);

 private:
  TempDir output_dir_;
  std::string output_path_;
  Process process_;
};

// Counts of the events of each type in a trace, summary excluded.
std::map<std::string, long> CountByType(const Trace& trace);
// The sum of the "count" of every lost event.
long LostInEvents(const Trace& trace);

}  // namespace fantrace::rtest
