// Turns the events of a FAN_TRACE group (FAN_REPORT_DFID_NAME, paths
// already resolved) into fantrace Events, as close to what the eBPF engine
// reports as the mode allows (docs/compatibility.md lists the differences).
//
// A name-reporting group gets no file descriptor, so an open's access mode
// is learnt from how the file was closed: FAN_CLOSE_NOWRITE means it was
// opened read-only, FAN_CLOSE_WRITE that it was opened for writing (and a
// FAN_ACCESS while open makes that read-write). The mapper therefore holds
// each open until its close and emits open, modify and close together.
// FAN_OPEN_EXEC is an exec, except for the ELF interpreter the kernel
// opens for the program just exec'd (the eBPF engine reports no exec and
// no open of it). Not thread-safe; one mapper per trace.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "fantrace/event.h"

namespace fantrace {

// One fanotify event with its names resolved by the caller.
struct FanEvent {
  uint64_t mask = 0;       // FAN_* bits (merged events OR'ed)
  uint32_t pid = 0;
  std::string path;        // the object (a rename's new name)
  std::string from;        // a rename's old name
  bool regular = true;     // the object is a regular file (opens of others are not reported)
  uint64_t time_ns = 0;
};

class FanotifyMapper {
 public:
  // interp_of(path): the PT_INTERP of the ELF executable at path, "" if none.
  explicit FanotifyMapper(std::function<std::string(const std::string&)> interp_of);

  void Map(const FanEvent& event, std::vector<Event>& out);
  // FAN_Q_OVERFLOW: the queue was full, events were dropped.
  void Overflow(uint64_t time_ns, std::vector<Event>& out);
  // End of the trace: opens whose close never came are emitted as they are.
  void Flush(uint64_t time_ns, std::vector<Event>& out);

  uint64_t lost() const { return lost_; }

 private:
  struct PendingOpen {
    uint32_t pid = 0;
    uint64_t time_ns = 0;
    bool accessed = false;
    bool modified = false;
    bool created = false;
  };
  void OpenOrModify(const FanEvent& e);
  void Close(const FanEvent& e, bool wrote, std::vector<Event>& out);
  void Exec(const FanEvent& e, std::vector<Event>& out);
  void Emit(const std::string& path, const PendingOpen& p, Access access, uint64_t close_ns,
            std::vector<Event>& out);

  std::function<std::string(const std::string&)> interp_of_;
  std::map<std::string, PendingOpen> pending_;     // by path
  std::map<std::string, bool> created_;            // names the tree created, not yet opened
  std::map<uint32_t, std::string> interp_;         // pid -> interpreter its exec will open
  uint64_t lost_ = 0;
};

}  // namespace fantrace
