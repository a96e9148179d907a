// The jsonl format: one JSON object per line, a stable contract other
// programs parse (docs/). Every event has "type", "time" (ns since the Unix
// epoch), "pid" and "tid", then its own fields (see Write in format_jsonl.cc);
// "truncated_path": true appears only when a path hit a bound. The last line
// is the "summary" object. Paths and argv are byte strings, escaped by
// lib/json_escape.h (invalid UTF-8 as \udcXX). Formatted by hand with fmt
// rather than nlohmann because it runs per event at millions a second.
#pragma once

#include <cstdio>

#include "cli/format.h"

namespace fantrace::cli {

class JsonlWriter final : public BufferedEventWriter {
 public:
  explicit JsonlWriter(FILE* out) : BufferedEventWriter(out) {}

  Status Write(const Event& ev) override;
  Status WriteSummary(const Summary& summary) override;
};

}  // namespace fantrace::cli
