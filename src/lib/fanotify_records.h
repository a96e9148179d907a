// The records a FAN_REPORT_DFID_NAME fanotify group hands out, parsed from
// read()'s buffer into plain values: each event's mask, process and the
// directory file handle + name (two of them for FAN_RENAME). Pure parsing:
// nothing here touches the kernel, so unit tests feed it synthetic buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fantrace {

// A directory named by file handle, and an entry name in it (empty for an
// event on the directory itself).
struct FanDirName {
  uint64_t fsid = 0;      // both words of __kernel_fsid_t
  int handle_type = 0;
  std::string handle;     // f_handle's bytes
  std::string name;
  bool present = false;
};

struct FanRecord {
  uint64_t mask = 0;  // FAN_* bits, merged events OR'ed together
  int32_t pid = 0;    // the thread group id of the task (FAN_REPORT_TID off)
  FanDirName dir;     // DFID_NAME, or NEW_DFID_NAME of a rename
  FanDirName old_dir; // OLD_DFID_NAME of a rename
};

struct FanParseResult {
  std::vector<FanRecord> records;
  uint64_t malformed = 0;  // events whose length or info records did not add up
};

// Parses what read() returned on a FAN_REPORT_DFID_NAME group.
FanParseResult ParseFanotifyBuffer(const void* data, size_t size);

}  // namespace fantrace
