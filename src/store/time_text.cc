#include "store/time_text.h"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>

#include <fmt/format.h>

namespace fantrace::store {

std::string FormatLocalTime(int64_t ns) {
  time_t seconds = static_cast<time_t>(ns / 1'000'000'000);
  struct tm tm{};
  localtime_r(&seconds, &tm);
  char text[32];
  strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

namespace {

// Seconds to nanoseconds, saturating: int64 nanoseconds end in 2262, and a
// --since far in the future must mean "nothing yet", not wrap around.
int64_t Nanoseconds(long long seconds) {
  constexpr long long kMax = INT64_MAX / 1'000'000'000;
  if (seconds > kMax) return INT64_MAX;
  if (seconds < -kMax) return INT64_MIN;
  return static_cast<int64_t>(seconds) * 1'000'000'000;
}

}  // namespace

Result<int64_t> ParseTimeSpec(const std::string& text, int64_t now_ns) {
  const Error bad = MakeError(fmt::format(
      "'{}' is not a time: use YYYY-MM-DD, 'YYYY-MM-DD HH:MM[:SS]', @EPOCH or an age like 30m, 2h, 7d", text));
  if (text.empty()) return bad;
  char unit = 0;
  long long amount = 0;
  int used = 0;
  if (text[0] == '@') {
    if (sscanf(text.c_str(), "@%lld%n", &amount, &used) == 1 && used == static_cast<int>(text.size()))
      return Nanoseconds(amount);
    return bad;
  }
  if (sscanf(text.c_str(), "%lld%c%n", &amount, &unit, &used) == 2 && used == static_cast<int>(text.size()) &&
      amount >= 0) {
    int64_t seconds = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400
                    : unit == 'w' ? 7 * 86400 : 0;
    if (seconds == 0) return bad;
    return now_ns - static_cast<int64_t>(amount) * seconds * 1'000'000'000;
  }
  struct tm tm{};
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int fields = sscanf(text.c_str(), "%4d-%2d-%2d%n", &year, &month, &day, &used);
  if (fields != 3) return bad;
  if (used != static_cast<int>(text.size())) {
    int rest = 0;
    const char* tail = text.c_str() + used;
    if (*tail != ' ' && *tail != 'T') return bad;
    int n = sscanf(tail + 1, "%2d:%2d%n:%2d%n", &hour, &minute, &rest, &second, &rest);
    if (n < 2 || used + 1 + rest != static_cast<int>(text.size())) return bad;
  }
  // mktime would take 2024-02-30 for March 1st: a typo must not move the range.
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return bad;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  tm.tm_isdst = -1;
  time_t t = mktime(&tm);
  if (t == static_cast<time_t>(-1)) return bad;
  return Nanoseconds(t);
}

std::string FormatDuration(int64_t ns) {
  if (ns < 1'000'000'000) return fmt::format("{} ms", ns / 1'000'000);
  if (ns < 600'000'000'000) return fmt::format("{:.1f} s", static_cast<double>(ns) / 1e9);
  return fmt::format("{} min", ns / 60'000'000'000);
}

}  // namespace fantrace::store
