// The fsatrace format (github.com/jacereda/fsatrace), which Shake and other
// build systems already parse: one "op|path" line per access, where op is
// r (read), w (written), m (moved: "m|to|from"), d (deleted), q (looked up:
// stat, access, with --probes) or t (times set). Executed
// files count as read, as fsatrace reports them. Paths are written as raw
// bytes with no escaping, exactly as fsatrace does; a path containing a
// newline or '|' cannot be represented in this format. No summary line.
#pragma once

#include <cstdio>

#include "cli/format.h"

namespace fantrace::cli {

class FsatraceWriter final : public BufferedEventWriter {
 public:
  explicit FsatraceWriter(FILE* out) : BufferedEventWriter(out) {}

  Status Write(const Event& ev) override;
  Status WriteSummary(const Summary&) override { return Ok{}; }

 private:
  // "op|path", or "op|path|second" for a move.
  void Line(char op, std::string_view path, std::string_view second = {});
};

}  // namespace fantrace::cli
