// The names of the event kinds for --events, and their kernel mask.
#include <sstream>

#include <fmt/format.h>

#include "abi/events.h"
#include "fantrace/tracer.h"

namespace fantrace {
namespace {

struct Kind {
  const char* name;
  int type;
};

constexpr Kind kKinds[] = {
    {"exec", FT_EXEC},     {"fork", FT_FORK},       {"exit", FT_EXIT},
    {"open", FT_OPEN},     {"modify", FT_MODIFY},   {"close", FT_CLOSE},
    {"rename", FT_RENAME}, {"unlink", FT_UNLINK},   {"rmdir", FT_RMDIR},
    {"mkdir", FT_MKDIR},   {"link", FT_LINK},       {"symlink", FT_SYMLINK},
    {"truncate", FT_TRUNCATE}, {"untraced", FT_UNTRACED}, {"chroot", FT_CHROOT},
    {"stat", FT_STAT},     {"readdir", FT_READDIR}, {"missing", FT_MISSING},
    {"attrib", FT_ATTRIB}, {"mknod", FT_MKNOD},
    {"mount", FT_MOUNT},
};

static_assert(kLookupEventMask == ((1u << FT_STAT) | (1u << FT_READDIR) | (1u << FT_MISSING)),
              "kLookupEventMask names the lookup record types");

}  // namespace

const std::vector<std::string>& EventKindNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const Kind& k : kKinds) v.emplace_back(k.name);
    return v;
  }();
  return names;
}

Result<uint32_t> EventMaskFromList(const std::string& list) {
  uint32_t mask = 0;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    // every kind but the lookups, which are asked for by name or --probes
    if (item == "all") {
      mask |= kDefaultEventMask;
      continue;
    }
    bool found = false;
    for (const Kind& k : kKinds) {
      if (item == k.name) {
        mask |= 1u << k.type;
        found = true;
      }
    }
    if (!found)
      return MakeError(fmt::format("unknown event kind '{}' in --events (known: {}, all)",
                                   item, fmt::join(EventKindNames(), ",")));
  }
  if (mask == 0) return MakeError("--events needs at least one event kind");
  return mask;
}

}  // namespace fantrace
