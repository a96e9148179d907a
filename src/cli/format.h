// Output formats for the event stream: the EventWriter interface every
// format implements, the factory the CLI picks one with, and the buffer they
// share. Writers are fed one event at a time by the reader thread at up to
// millions of events a second, so they format into a large memory buffer and
// hand it to the FILE* in big chunks. A failed write (ENOSPC, EPIPE, ...) is
// returned as an Error naming the errno, and stays returned: output that is
// silently cut short would look like a trace of fewer events.
// A writer is not thread-safe; use one from a single thread.
#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "fantrace/event.h"
#include "fantrace/result.h"
#include "lib/summary.h"

namespace fantrace::cli {

class EventWriter {
 public:
  virtual ~EventWriter() = default;
  virtual Status Write(const Event& ev) = 0;
  // Called once, after the last event.
  virtual Status WriteSummary(const Summary& summary) = 0;
  // Pushes everything buffered so far to the file.
  virtual Status Flush() = 0;
};

// "text", "jsonl" or "fsatrace", writing to `out` (not owned, not closed).
Result<std::unique_ptr<EventWriter>> MakeWriter(std::string_view format, FILE* out);

// The one-line human summary ("processes: 3, read: 12 files, ..."), without
// a newline; shared by the stderr summary and the text format.
std::string SummaryLine(const Summary& summary);

// The short summary the CLI prints to stderr whatever the format, with a
// warning when events were lost. Errors writing to stderr have nowhere to go.
void WriteSummaryText(FILE* err, const Summary& summary);

// The memory buffer writers format into and its path to the FILE*.
class OutputBuffer {
 public:
  explicit OutputBuffer(FILE* out) : out_(out) {}
  ~OutputBuffer();  // flushes; an error there is lost, so callers Flush first

  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;

  fmt::memory_buffer& buffer() { return buf_; }
  // After each event: writes the buffer out once it has grown large.
  Status Commit();
  // Writes all buffered bytes and flushes the FILE*.
  Status Flush();

 private:
  Status Drain();

  // Large enough that a write(2) is rare per event, small enough to stay
  // in cache.
  static constexpr size_t kFlushBytes = 256 * 1024;

  FILE* out_;
  fmt::memory_buffer buf_;
  std::optional<Error> error_;  // the first write error, returned ever after
};

// What every format shares: an OutputBuffer in front of the FILE*.
class BufferedEventWriter : public EventWriter {
 public:
  explicit BufferedEventWriter(FILE* out) : out_(out) {}
  Status Flush() override { return out_.Flush(); }

 protected:
  OutputBuffer out_;
};

}  // namespace fantrace::cli
