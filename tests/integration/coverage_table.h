// The coverage table (docs/coverage.md): its rows, read from
// tests/integration/coverage_rows.txt (the format is described there), and
// the markdown the suite generates from them once coverage.cc has run each
// row's scenario under the tracer and checked what it produced.
//
// Plain data and text; no tracer. Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace fantrace::itest {

struct CoverageRow {
  std::string call;                   // syscall name, or io_uring opcode without IORING_OP_
  std::string klass;                  // "%file", "%desc-write" or "io_uring"
  std::string target;                 // relative to the scenario's directory, or absolute
  std::vector<std::string> events;    // kinds that must appear at target: the row is covered
  std::vector<std::string> setup;     // kinds the scenario's setup makes there (~kind)
  std::vector<std::string> counters;  // summary stats counters that must be > 0 (#name)
  std::string note;                   // why, for a row not covered; else a remark

  bool covered() const { return !events.empty(); }
};

// The rows of `path`, in order; nullopt and `*error` on a malformed line
// (wrong number of fields, an unknown class, a row not covered without a
// note).
std::optional<std::vector<CoverageRow>> ReadCoverageRows(const std::string& path, std::string* error);

// docs/coverage.md for `rows`.
std::string RenderCoverageTable(const std::vector<CoverageRow>& rows);

}  // namespace fantrace::itest
