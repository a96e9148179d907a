// What the kernel said about each file the traced tree opened and closed:
// device, inode, size and mtime, keyed by inode so that a file renamed
// into place after its close (gcc -o, sed -i) is still recognised under
// its final name. The last report wins: for a written file that is its
// last close. Fed the event stream in order, next to the SummaryBuilder.
// Not thread-safe; one per trace.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "fantrace/event.h"

namespace fantrace::store {

struct KernelFacts {
  uint64_t dev = 0;
  uint64_t ino = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  bool closed = false;  // from a close (else from an open: size and mtime then)
};

class FileFacts {
 public:
  void Add(const Event& ev);
  // The latest facts about the inode (dev, ino), if the kernel gave any.
  std::optional<KernelFacts> Find(uint64_t dev, uint64_t ino) const;
  // Scripts the tree exec'd (the #! file, not its interpreter).
  const std::set<std::string>& scripts() const { return scripts_; }
  // False when the trace had no open or close of a regular file at all
  // (--events without them): then there is nothing to verify against.
  bool any() const { return !by_inode_.empty(); }

 private:
  std::map<std::pair<uint64_t, uint64_t>, KernelFacts> by_inode_;
  std::set<std::string> scripts_;
};

}  // namespace fantrace::store
