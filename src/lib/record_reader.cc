#include "lib/record_reader.h"

#include <time.h>

namespace fantrace {

Status RecordReader::Handle(const void* data, size_t size, const EventSink& sink) {
  // The marker only wakes the reader; the live count says the tree ended.
  if (IsTreeEnd(data, size)) return Ok{};
  if (std::optional<UringDone> done = UringDoneOf(data, size, time_base_)) return Resolve(*done, sink);
  Result<Event> event = DecodeRecord(data, size, time_base_);
  if (!event) {
    ++undecodable_;
    return Ok{};
  }
  PairWithOpen(*event);
  if (!path_filter_.SelectsNameEvent(*event)) {
    ++name_events_filtered_;
    return Ok{};
  }
  if (event->uring_request != 0) {
    held_[event->uring_request] = std::move(*event);
    return Ok{};
  }
  return sink(*event);
}

// The names of an io_uring operation are read at its submission (the
// kernel's copies are gone by its completion): its event stands once the
// result says the operation succeeded, stamped with the completion's time.
// A result without a held event (its kind off, or the record lost) is
// nothing to report.
Status RecordReader::Resolve(const UringDone& done, const EventSink& sink) {
  auto it = held_.find(done.request);
  if (it == held_.end()) return Ok{};
  Event event = std::move(it->second);
  held_.erase(it);
  if (done.result != 0) return Ok{};
  event.time_ns = done.time_ns;
  return sink(event);
}

// The kernel sends the close of a file whose open it reported without a
// path (resolving it again would double the cost of every open/close):
// the path is the open's, kept here while the file is open.
void RecordReader::PairWithOpen(Event& event) {
  if (event.open_id == 0) return;
  if (event.type == EventType::kOpen) {
    open_paths_.emplace(event.open_id, OpenPaths{event.path, event.fs_path});
  } else if (event.type == EventType::kModify || event.type == EventType::kAttrib) {
    auto it = open_paths_.find(event.open_id);
    if (it != open_paths_.end()) {
      event.path = it->second.path;
      event.fs_path = it->second.fs_path;
    } else {
      event.path_truncated = true;  // its open was lost
    }
  } else if (event.type == EventType::kClose) {
    auto it = open_paths_.find(event.open_id);
    if (it != open_paths_.end()) {
      if (event.path.empty()) {
        event.path = std::move(it->second.path);
        event.fs_path = std::move(it->second.fs_path);
      }
      open_paths_.erase(it);
    } else if (event.path.empty()) {
      event.path_truncated = true;  // its open was lost
    }
  }
}

TimeBase CurrentTimeBase() {
  timespec real{}, boot{};
  clock_gettime(CLOCK_REALTIME, &real);
  clock_gettime(CLOCK_BOOTTIME, &boot);
  return TimeBase{(int64_t{real.tv_sec} - boot.tv_sec) * 1'000'000'000 + (real.tv_nsec - boot.tv_nsec)};
}

Event LostEvent(uint64_t count) {
  Event event;
  event.type = EventType::kLost;
  event.lost_count = count;
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  event.time_ns = uint64_t(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
  return event;
}

}  // namespace fantrace
