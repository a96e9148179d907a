// RecordReader: turns the raw records of one trace (as the ring buffer, or
// fantraced over its socket, delivers them) into events for a sink. It
// pairs a close or modify sent without a path with its open's path, holds
// an io_uring name event until its request's result says it happened, applies
// the --include/--exclude rule to name events (whose paths are only known
// once normalised here), and counts records it cannot decode: never a
// silent drop. One per trace; not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "fantrace/tracer.h"
#include "lib/decoder.h"
#include "lib/path_filter.h"

namespace fantrace {

class RecordReader {
 public:
  RecordReader(TimeBase time_base, PathFilter path_filter)
      : time_base_(time_base), path_filter_(std::move(path_filter)) {}

  // Decodes one record and hands it to sink; the tree-end marker and
  // undecodable records are not handed over. Returns the sink's error.
  Status Handle(const void* data, size_t size, const EventSink& sink);

  uint64_t undecodable() const { return undecodable_; }
  uint64_t name_events_filtered() const { return name_events_filtered_; }

 private:
  void PairWithOpen(Event& event);
  Status Resolve(const UringDone& done, const EventSink& sink);

  TimeBase time_base_;
  PathFilter path_filter_;
  // The path of each open file, and its path from its file system's root
  // when on a mount of another namespace (Event::fs_path).
  struct OpenPaths {
    std::string path;
    std::string fs_path;
  };
  std::unordered_map<uint64_t, OpenPaths> open_paths_;
  // io_uring name events waiting for their result, by request.
  std::unordered_map<uint64_t, Event> held_;
  uint64_t undecodable_ = 0;
  uint64_t name_events_filtered_ = 0;  // by path_filter_, here in userspace
};

// The offset from the kernel's boot clock to the Unix epoch, now.
TimeBase CurrentTimeBase();

// A kLost event for `count` records, stamped now.
Event LostEvent(uint64_t count);

}  // namespace fantrace
