#include "cli/format_jsonl.h"

#include <fmt/compile.h>

#include "lib/json_escape.h"

namespace fantrace::cli {
namespace {

const char* AccessName(Access access) {
  switch (access) {
    case Access::kRead: return "read";
    case Access::kWrite: return "write";
    case Access::kReadWrite: return "readwrite";
    case Access::kNone: return "none";  // O_PATH: neither read nor written
  }
  return "none";
}

// Format strings are compiled (FMT_COMPILE): parsing them at run time was
// most of the cost of a line at millions of lines a second.
void AppendKey(fmt::memory_buffer& b, std::string_view key) {
  fmt::format_to(fmt::appender(b), FMT_COMPILE(",\"{}\":"), key);
}

void AppendString(fmt::memory_buffer& b, std::string_view key, std::string_view bytes) {
  AppendKey(b, key);
  AppendJsonString(b, bytes);
}

void AppendArray(fmt::memory_buffer& b, std::string_view key, const std::vector<std::string>& items) {
  AppendKey(b, key);
  b.push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) b.push_back(',');
    AppendJsonString(b, items[i]);
  }
  b.push_back(']');
}

// Numbers and booleans: fmt prints bool as true/false, as JSON wants.
template <typename T>
void AppendValue(fmt::memory_buffer& b, std::string_view key, const T& value) {
  AppendKey(b, key);
  fmt::format_to(fmt::appender(b), FMT_COMPILE("{}"), value);
}

void AppendInode(fmt::memory_buffer& b, const Event& ev) {
  AppendValue(b, "dev", ev.dev);
  AppendValue(b, "ino", ev.ino);
}

const char* CloseAtName(CloseAt at) {
  switch (at) {
    case CloseAt::kExit: return "exit";
    case CloseAt::kExec: return "exec";
    case CloseAt::kMunmap: return "munmap";
    case CloseAt::kClose: return "close";
  }
  return "close";
}

// Optional fields of open, modify and close, present only when set.
void AppendFileFlags(fmt::memory_buffer& b, const Event& ev) {
  if (ev.memfd) AppendValue(b, "memfd", true);
  if (!ev.fs_path.empty()) AppendString(b, "fs_path", ev.fs_path);
}

void AppendFields(fmt::memory_buffer& b, const Event& ev) {
  switch (ev.type) {
    case EventType::kExec:
      AppendString(b, "path", ev.path);
      AppendArray(b, "argv", ev.argv);
      if (ev.argv_truncated) AppendValue(b, "argv_truncated", true);
      if (!ev.script.empty()) AppendString(b, "script", ev.script);
      break;
    case EventType::kFork: AppendValue(b, "ppid", ev.ppid); break;
    case EventType::kExit: AppendValue(b, "status", ev.exit_status); break;
    case EventType::kOpen:
      AppendString(b, "path", ev.path);
      AppendString(b, "access", AccessName(ev.access));
      AppendValue(b, "created", ev.created);
      AppendValue(b, "truncated", ev.truncated);
      AppendInode(b, ev);
      AppendFileFlags(b, ev);
      break;
    case EventType::kClose:
      AppendString(b, "path", ev.path);
      AppendValue(b, "written", ev.written);
      AppendValue(b, "size", ev.size);
      AppendValue(b, "mtime", ev.mtime_ns);
      if (ev.close_at != CloseAt::kClose) AppendString(b, "at", CloseAtName(ev.close_at));
      AppendFileFlags(b, ev);
      break;
    case EventType::kMount:
      AppendString(b, "what", ev.mount_what);
      if (!ev.path.empty()) AppendString(b, "path", ev.path);
      if (!ev.from.empty()) AppendString(b, "source", ev.from);
      break;
    case EventType::kRename:
      AppendString(b, "from", ev.from);
      AppendString(b, "path", ev.path);
      if (ev.exchange) b.append(std::string_view(",\"exchange\":true"));
      break;
    case EventType::kLink:
    case EventType::kSymlink:
      AppendString(b, "path", ev.path);
      AppendString(b, "target", ev.target);
      break;
    case EventType::kModify:
      AppendString(b, "path", ev.path);
      AppendFileFlags(b, ev);
      break;
    case EventType::kUnlink:
    case EventType::kRmdir:
    case EventType::kChroot:
    case EventType::kMkdir:
    case EventType::kTruncate: AppendString(b, "path", ev.path); break;
    case EventType::kStat:
    case EventType::kReaddir:
      AppendString(b, "path", ev.path);
      if (ev.ino != 0) AppendInode(b, ev);  // access and readlink return no inode
      break;
    case EventType::kMissing: AppendString(b, "path", ev.path); break;
    case EventType::kAttrib:
      AppendString(b, "path", ev.path);
      AppendString(b, "what", ev.what);
      break;
    case EventType::kMknod:
      AppendString(b, "path", ev.path);
      AppendString(b, "kind", ev.kind);
      break;
    case EventType::kUntraced: AppendString(b, "reason", ev.reason); break;
    case EventType::kLost: AppendValue(b, "count", ev.lost_count); break;
  }
}

}  // namespace

Status JsonlWriter::Write(const Event& ev) {
  fmt::memory_buffer& b = out_.buffer();
  fmt::format_to(fmt::appender(b), FMT_COMPILE(R"({{"type":"{}","time":{},"pid":{},"tid":{})"),
                 EventTypeName(ev.type), ev.time_ns, ev.pid, ev.tid);
  AppendFields(b, ev);
  if (ev.via != Via::kSyscall) AppendString(b, "via", ViaName(ev.via));
  if (ev.path_truncated) AppendValue(b, "truncated_path", true);
  b.append(std::string_view("}\n"));
  return out_.Commit();
}

Status JsonlWriter::WriteSummary(const Summary& s) {
  fmt::memory_buffer& b = out_.buffer();
  b.append(std::string_view(R"({"type":"summary")"));
  AppendValue(b, "exit_code", s.exit_code);
  AppendValue(b, "lost", s.lost);
  AppendValue(b, "processes", s.processes);
  AppendArray(b, "read", s.read);
  AppendArray(b, "written", s.written);
  AppendArray(b, "deleted", s.deleted);
  AppendArray(b, "executed", s.executed);
  AppendValue(b, "untraced_compat", s.untraced_compat);
  if (s.lookups) {
    AppendArray(b, "probed", s.probed);
    AppendArray(b, "listed", s.listed);
    AppendArray(b, "missing", s.missing);
  }
  // Every type, zero or not, so consumers see a fixed set of keys.
  b.append(std::string_view(R"(,"events":{)"));
  for (size_t i = 0; i < kEventTypeCount; ++i) {
    fmt::format_to(fmt::appender(b), R"({}"{}":{})", i > 0 ? "," : "",
                   EventTypeName(static_cast<EventType>(i)), s.events[i]);
  }
  b.append(std::string_view("}"));
  if (s.stats.present) {
    const TraceStats& t = s.stats;
    fmt::format_to(fmt::appender(b),
                   R"(,"stats":{{"seen":{},"delivered":{},"merged":{},"lost":{},"dropped":{{)"
                   R"("kind":{},"path":{},"fs":{},"comm":{},"only_written":{},"user":{}}})",
                   t.seen(), t.delivered, t.merged, t.lost, t.dropped_kind, t.dropped_path,
                   t.dropped_fs, t.dropped_comm, t.dropped_unwritten, t.dropped_by_user());
    // One entry per --filter-bpf program, in chain order.
    b.append(std::string_view(R"(,"user_filters":[)"));
    for (size_t i = 0; i < t.dropped_user.size(); ++i) {
      b.append(std::string_view(i > 0 ? R"(,{"name":)" : R"({"name":)"));
      AppendJsonString(b, t.dropped_user[i].first);
      fmt::format_to(fmt::appender(b), R"(,"dropped":{}}})", t.dropped_user[i].second);
    }
    b.append(std::string_view("]"));
    AppendValue(b, "io_uring_undecoded", t.uring_undecoded);
    b.push_back('}');
  }
  b.append(std::string_view("}\n"));
  return out_.Commit();
}

}  // namespace fantrace::cli
