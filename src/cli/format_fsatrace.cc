#include "cli/format_fsatrace.h"

namespace fantrace::cli {

void FsatraceWriter::Line(char op, std::string_view path, std::string_view second) {
  fmt::memory_buffer& b = out_.buffer();
  b.push_back(op);
  b.push_back('|');
  b.append(path);
  if (!second.empty()) {
    b.push_back('|');
    b.append(second);
  }
  b.push_back('\n');
}

Status FsatraceWriter::Write(const Event& ev) {
  if (ev.memfd) return Ok{};  // a memfd is in no directory: neither input nor output
  switch (ev.type) {
    case EventType::kExec: Line('r', ev.path); break;
    case EventType::kOpen:
      // A file the open created or emptied was not read, whatever the mode.
      // A plain open for writing is not a write yet: modify or close says so.
      if (ev.created || ev.truncated) {
        Line('w', ev.path);
      } else if (ev.access == Access::kRead || ev.access == Access::kReadWrite) {
        Line('r', ev.path);
      }
      break;
    case EventType::kClose:
      if (ev.written) Line('w', ev.path);
      break;
    case EventType::kModify:
    case EventType::kTruncate:
    case EventType::kLink:  // a new name for a file is a new output
    case EventType::kSymlink: Line('w', ev.path); break;
    case EventType::kRename: Line('m', ev.path, ev.from); break;
    case EventType::kUnlink:
    case EventType::kRmdir: Line('d', ev.path); break;
    // fsatrace's q: a successful stat or access of a path; t: its times set
    // (utimes, utimensat, futimes, futimens). It reports no listings and
    // no failed lookups.
    case EventType::kStat: Line('q', ev.path); break;
    case EventType::kAttrib:
      if (ev.what == "times") Line('t', ev.path);
      break;
    case EventType::kMknod:  // an empty regular file is an output; a FIFO or device is not
      if (ev.regular) Line('w', ev.path);
      break;
    case EventType::kReaddir:
    case EventType::kMissing:
    case EventType::kFork:
    case EventType::kExit:
    case EventType::kMkdir:
    case EventType::kChroot:
    case EventType::kMount:
    case EventType::kUntraced:
    case EventType::kLost: break;
  }
  return out_.Commit();
}

}  // namespace fantrace::cli
