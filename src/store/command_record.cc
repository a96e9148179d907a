#include "store/command_record.h"

#include <array>

namespace fantrace::store {
namespace {

constexpr std::array<const char*, 6> kStateNames{"verified", "unverified", "changed",
                                                 "missing",  "unreadable", "none"};

}  // namespace

const char* FileRoleName(FileRole role) {
  switch (role) {
    case FileRole::kRead: return "read";
    case FileRole::kWritten: return "written";
    case FileRole::kDeleted: return "deleted";
    case FileRole::kExecuted: return "executed";
  }
  return "read";
}

const char* HashStateName(HashState state) { return kStateNames[static_cast<size_t>(state)]; }

HashState HashStateFromName(const std::string& name) {
  for (size_t i = 0; i < kStateNames.size(); ++i)
    if (name == kStateNames[i]) return static_cast<HashState>(i);
  return HashState::kNone;
}

}  // namespace fantrace::store
