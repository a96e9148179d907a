// A progress line for long work on a terminal: "fantrace: hashing files
// 120/987, 1.2 GiB", redrawn in place at most ten times a second, shown
// only once the work has taken half a second (short work stays silent),
// and erased when the work is done. Silent when the stream is not a
// terminal, so logs and pipes never see it. Not thread-safe: one owner
// calls Step from one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace fantrace {

class Progress {
 public:
  // `what` names the work ("hashing files"); `total` is the number of
  // items (0 when unknown).
  Progress(std::string what, uint64_t total, FILE* out = stderr);
  ~Progress();  // erases the line if it was shown
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // One item done, `bytes` of it processed.
  void Step(uint64_t bytes = 0);

  // Whether the line can appear at all (the stream is a terminal).
  bool enabled() const { return enabled_; }

  // The text of the line for these counts ("hashing files 3/10, 4.0 MiB").
  static std::string Line(const std::string& what, uint64_t done, uint64_t total, uint64_t bytes);

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kDelay{500};
  static constexpr std::chrono::milliseconds kInterval{100};

  std::string what_;
  uint64_t total_;
  FILE* out_;
  bool enabled_;
  bool shown_ = false;
  uint64_t done_ = 0;
  uint64_t bytes_ = 0;
  Clock::time_point start_;
  Clock::time_point last_draw_;
};

}  // namespace fantrace
