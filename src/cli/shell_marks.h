// The marks the shell-init hooks write to a shell session's fifo, parsed
// from the bytes as they arrive (a mark may come in pieces). Format: each
// mark starts with RS (\036); its fields are separated by US (\037):
//   I                         the shell opened the fifo
//   B US time US cwd US line  a command starts; time is $EPOCHREALTIME
//                             (seconds, '.' or ',', a fraction); line is
//                             bash's `history 1` output or zsh's $1
//   E US time US status       the prompt is back; status is $?
//   X                         shell integration was turned off
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fantrace::cli {

struct ShellMark {
  enum class Kind { kOpened, kBegin, kEnd, kOff } kind = Kind::kOpened;
  int64_t time_ns = 0;
  std::string cwd;
  std::string line;  // the command line as typed, without bash's history number
  int status = 0;
};

class ShellMarkParser {
 public:
  void Feed(const char* data, size_t size) { buffer_.append(data, size); }
  // The marks complete so far: a mark is complete once the next one starts
  // or its final newline is followed by nothing more for now (Flush).
  std::vector<ShellMark> Take();
  // The marks left, at the end of the stream.
  std::vector<ShellMark> Flush();

 private:
  std::string buffer_;
};

// "1732540000.123456" (or with ',') -> ns since the epoch; nullopt if not a time.
std::optional<int64_t> ParseEpochRealtime(const std::string& text);

// "  123  echo x > f\n" -> "echo x > f" (bash's `history 1`; HISTTIMEFORMAT empty).
std::string StripHistoryNumber(const std::string& text);

}  // namespace fantrace::cli
