#include "cli/format.h"

#include <cerrno>
#include <cstring>

#include "cli/format_fsatrace.h"
#include "cli/format_jsonl.h"
#include "cli/format_text.h"

namespace fantrace::cli {
namespace {

Error WriteError() { return MakeError(fmt::format("cannot write output: {}", std::strerror(errno))); }

}  // namespace

Result<std::unique_ptr<EventWriter>> MakeWriter(std::string_view format, FILE* out) {
  std::unique_ptr<EventWriter> writer;
  if (format == "text") {
    writer = std::make_unique<TextWriter>(out);
  } else if (format == "jsonl") {
    writer = std::make_unique<JsonlWriter>(out);
  } else if (format == "fsatrace") {
    writer = std::make_unique<FsatraceWriter>(out);
  } else {
    return MakeError(fmt::format("unknown output format '{}' (expected text, jsonl or fsatrace)", format));
  }
  return writer;
}

std::string SummaryLine(const Summary& s) {
  std::string line =
      fmt::format("processes: {}, read: {} files, written: {} files, deleted: {}, executed: {}, lost: {}",
                  s.processes, s.read.size(), s.written.size(), s.deleted.size(), s.executed.size(), s.lost);
  if (s.lookups)
    line += fmt::format(", probed: {}, listed: {}, missing: {}", s.probed.size(), s.listed.size(),
                        s.missing.size());
  return line;
}

void WriteSummaryText(FILE* err, const Summary& s) {
  fmt::print(err, "fantrace: exit {}, {}\n", s.exit_code, SummaryLine(s));
  if (s.stats.present) {
    const TraceStats& t = s.stats;
    fmt::print(err,
               "fantrace: kernel: {} events seen, {} delivered, {} merged, {} dropped by filters "
               "(kind {}, path {}, fs {}, comm {}, only-written {}, user {}), {} lost\n",
               t.seen(), t.delivered, t.merged, t.dropped(), t.dropped_kind, t.dropped_path,
               t.dropped_fs, t.dropped_comm, t.dropped_unwritten, t.dropped_by_user(), t.lost);
    for (size_t i = 0; i < t.dropped_user.size(); ++i)
      fmt::print(err, "fantrace: user filter {} ({}) dropped {} events\n", i, t.dropped_user[i].first,
                 t.dropped_user[i].second);
  }
  if (s.lost > 0) {
    fmt::print(err, "fantrace: warning: {} events were lost; the file lists may be incomplete\n", s.lost);
  }
  if (s.stats.uring_undecoded > 0)
    fmt::print(err,
               "fantrace: warning: {} io_uring file operations could not be decoded (an io_uring this "
               "fantrace does not know, or --filter-bpf): their events are missing and the file lists "
               "may be incomplete\n",
               s.stats.uring_undecoded);
  if (s.untraced_compat > 0)
    fmt::print(err,
               "fantrace: warning: {} processes ran 32-bit programs, whose file operations are not traced "
               "(untraced events, reason compat_syscalls): the file lists may be incomplete\n",
               s.untraced_compat);
  std::fflush(err);
}

OutputBuffer::~OutputBuffer() { (void)Flush(); }

Status OutputBuffer::Commit() {
  if (error_) return *error_;
  if (buf_.size() < kFlushBytes) return Ok{};
  return Drain();
}

Status OutputBuffer::Flush() {
  if (Status s = Drain(); !s) return s;
  if (std::fflush(out_) != 0) {
    error_ = WriteError();
    return *error_;
  }
  return Ok{};
}

Status OutputBuffer::Drain() {
  if (error_) return *error_;
  if (buf_.size() == 0) return Ok{};
  size_t n = std::fwrite(buf_.data(), 1, buf_.size(), out_);
  if (n != buf_.size()) {
    error_ = WriteError();
    return *error_;
  }
  buf_.clear();
  return Ok{};
}

}  // namespace fantrace::cli
