#include "lib/progress.h"

#include <unistd.h>

#include <fmt/format.h>

namespace fantrace {
namespace {

std::string Bytes(uint64_t n) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", n) : fmt::format("{:.1f} {}", v, units[u]);
}

}  // namespace

Progress::Progress(std::string what, uint64_t total, FILE* out)
    : what_(std::move(what)), total_(total), out_(out), enabled_(out && isatty(fileno(out))),
      start_(Clock::now()), last_draw_(start_) {}

Progress::~Progress() {
  if (shown_) {
    fmt::print(out_, "\r\033[K");
    fflush(out_);
  }
}

std::string Progress::Line(const std::string& what, uint64_t done, uint64_t total, uint64_t bytes) {
  std::string line = total ? fmt::format("fantrace: {} {}/{}", what, done, total) : fmt::format("fantrace: {} {}", what, done);
  if (bytes) line += ", " + Bytes(bytes);
  return line;
}

void Progress::Step(uint64_t bytes) {
  ++done_;
  bytes_ += bytes;
  if (!enabled_) return;
  Clock::time_point now = Clock::now();
  if (now - start_ < kDelay || (shown_ && now - last_draw_ < kInterval)) return;
  fmt::print(out_, "\r\033[K{}", Line(what_, done_, total_, bytes_));
  fflush(out_);
  shown_ = true;
  last_draw_ = now;
}

}  // namespace fantrace
