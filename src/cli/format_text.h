// The text format: one line per event for a person reading a terminal, e.g.
//   12:34:56.789012    1234 open     r   /etc/passwd
//   12:34:56.790001    1234 rename   /a/tmp -> /a/file
// Times are local wall-clock. Bytes in paths and argv that a terminal would
// not show as themselves are written C-style (\n, \t, \\, \xff), so an event
// is always exactly one line. Not a stable contract: parse jsonl instead.
#pragma once

#include <cstdio>
#include <ctime>
#include <string_view>

#include "cli/format.h"

namespace fantrace::cli {

class TextWriter final : public BufferedEventWriter {
 public:
  explicit TextWriter(FILE* out) : BufferedEventWriter(out) {}

  Status Write(const Event& ev) override;
  // The summary line, then the written and deleted files one per line.
  Status WriteSummary(const Summary& summary) override;

 private:
  void AppendTime(uint64_t time_ns);
  void AppendDetails(const Event& ev);

  // localtime_r is slow next to the rest of a line; events come in bursts
  // within one second, so the formatted HH:MM:SS is reused.
  time_t cached_sec_ = -1;
  char cached_hms_[16] = {};
};

// Appends `bytes` C-escaped: valid UTF-8 that prints passes through.
void AppendCEscaped(fmt::memory_buffer& out, std::string_view bytes);

}  // namespace fantrace::cli
