// Times as people read and write them on the command line: local
// "YYYY-MM-DD HH:MM:SS" for display; for --since/--until, an absolute
// local date or date-time, "@EPOCH" seconds, or an age like "90m", "2h",
// "3d" meaning that long before `now_ns`. Thread-safe (localtime_r).
#pragma once

#include <cstdint>
#include <string>

#include "fantrace/result.h"

namespace fantrace::store {

std::string FormatLocalTime(int64_t ns);

// The time meant by `text`, in nanoseconds since the epoch (saturated at
// the int64 range: years after 2262 mean "the end of time").
Result<int64_t> ParseTimeSpec(const std::string& text, int64_t now_ns);

// "1.2 s", "340 ms".
std::string FormatDuration(int64_t ns);

}  // namespace fantrace::store
