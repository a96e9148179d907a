#include "cli/format_text.h"

#include <fmt/compile.h>

#include "lib/json_escape.h"

namespace fantrace::cli {
namespace {

const char* OpenMode(const Event& ev) {
  switch (ev.access) {
    case Access::kRead: return "r";
    case Access::kWrite: return "w";
    case Access::kReadWrite: return "rw";
    case Access::kNone: return "-";
  }
  return "-";
}

}  // namespace

void AppendCEscaped(fmt::memory_buffer& out, std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    size_t len = c >= 0x80 ? Utf8SequenceLength(bytes.substr(i)) : 0;
    // U+0080..U+009F (C2 80..C2 9F) are C1 control codes: terminals act on them.
    bool c1_control = len == 2 && c == 0xc2 && static_cast<unsigned char>(bytes[i + 1]) < 0xa0;
    if (len > 0 && !c1_control) {
      out.append(bytes.substr(i, len));
      i += len;
      continue;
    }
    switch (c) {
      case '\\': out.append(std::string_view("\\\\")); break;
      case '\n': out.append(std::string_view("\\n")); break;
      case '\r': out.append(std::string_view("\\r")); break;
      case '\t': out.append(std::string_view("\\t")); break;
      default: fmt::format_to(fmt::appender(out), "\\x{:02x}", c); break;
    }
    ++i;
  }
}

void TextWriter::AppendTime(uint64_t time_ns) {
  auto sec = static_cast<time_t>(time_ns / 1'000'000'000);
  if (sec != cached_sec_) {
    struct tm tm;
    if (localtime_r(&sec, &tm) == nullptr ||
        std::strftime(cached_hms_, sizeof(cached_hms_), "%H:%M:%S", &tm) == 0) {
      cached_hms_[0] = '\0';
    }
    cached_sec_ = sec;
  }
  fmt::format_to(fmt::appender(out_.buffer()), FMT_COMPILE("{}.{:06}"), cached_hms_, time_ns % 1'000'000'000 / 1000);
}

void TextWriter::AppendDetails(const Event& ev) {
  fmt::memory_buffer& b = out_.buffer();
  auto put = [&b](std::string_view s) { b.append(s); };
  switch (ev.type) {
    case EventType::kExec:
      AppendCEscaped(b, ev.path);
      for (const std::string& arg : ev.argv) {
        put(" ");
        AppendCEscaped(b, arg);
      }
      if (ev.argv_truncated) put(" ...");
      break;
    case EventType::kFork: fmt::format_to(fmt::appender(b), "parent {}", ev.ppid); break;
    case EventType::kExit: fmt::format_to(fmt::appender(b), "status {}", ev.exit_status); break;
    case EventType::kOpen: {
      // A fixed-width mode column ("r", "wct") keeps the paths aligned.
      size_t start = b.size();
      put(OpenMode(ev));
      if (ev.created) put("c");
      if (ev.truncated) put("t");
      while (b.size() < start + 4) b.push_back(' ');
      AppendCEscaped(b, ev.path);
      if (ev.via == Via::kScmRights) put(" (received)");
      if (ev.memfd) put(" (memfd)");
    } break;
    case EventType::kClose:
      AppendCEscaped(b, ev.path);
      if (ev.written) fmt::format_to(fmt::appender(b), " (written, {} bytes)", ev.size);
      if (ev.close_at == CloseAt::kExec) put(" (at exec)");
      if (ev.close_at == CloseAt::kMunmap) put(" (at munmap)");
      break;
    case EventType::kMount:
      put(ev.mount_what);
      if (!ev.from.empty()) {
        put(" ");
        AppendCEscaped(b, ev.from);
      }
      if (!ev.path.empty()) {
        put(" on ");
        AppendCEscaped(b, ev.path);
      }
      break;
    case EventType::kRename:
      AppendCEscaped(b, ev.from);
      put(" -> ");
      AppendCEscaped(b, ev.path);
      break;
    case EventType::kLink:  // "=>" sets a hard link apart from a symlink's "->"
    case EventType::kSymlink:
      AppendCEscaped(b, ev.path);
      put(ev.type == EventType::kLink ? " => " : " -> ");
      AppendCEscaped(b, ev.target);
      break;
    case EventType::kModify:
    case EventType::kUnlink:
    case EventType::kRmdir:
    case EventType::kChroot:
    case EventType::kMkdir:
    case EventType::kTruncate: AppendCEscaped(b, ev.path); break;
    case EventType::kStat:
    case EventType::kReaddir:
    case EventType::kMissing: AppendCEscaped(b, ev.path); break;
    case EventType::kAttrib:
    case EventType::kMknod:
      AppendCEscaped(b, ev.path);
      fmt::format_to(fmt::appender(b), " ({})", ev.type == EventType::kAttrib ? ev.what : ev.kind);
      break;
    case EventType::kUntraced: put(ev.reason); break;
    case EventType::kLost: fmt::format_to(fmt::appender(b), "{} events", ev.lost_count); break;
  }
  if (ev.via == Via::kIoUring) put(" [io_uring]");
  if (ev.path_truncated) put(" [path truncated]");
}

Status TextWriter::Write(const Event& ev) {
  AppendTime(ev.time_ns);
  // Compiled formats: the per-line prefix is the hot path.
  fmt::format_to(fmt::appender(out_.buffer()), FMT_COMPILE(" {:>7} {:<8} "), ev.pid, EventTypeName(ev.type));
  AppendDetails(ev);
  out_.buffer().push_back('\n');
  return out_.Commit();
}

Status TextWriter::WriteSummary(const Summary& s) {
  fmt::memory_buffer& b = out_.buffer();
  fmt::format_to(fmt::appender(b), "summary: exit {}, {}\n", s.exit_code, SummaryLine(s));
  auto list = [&b](std::string_view label, const std::vector<std::string>& paths) {
    for (const std::string& path : paths) {
      fmt::format_to(fmt::appender(b), "{} ", label);
      AppendCEscaped(b, path);
      b.push_back('\n');
    }
  };
  list("written", s.written);
  list("deleted", s.deleted);
  return out_.Commit();
}

}  // namespace fantrace::cli
