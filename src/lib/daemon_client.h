// DaemonClient: a trace served by fantraced instead of an engine loaded in
// this process (how an ordinary user traces). It connects to the daemon's
// socket, asks it to trace a process, and decodes the records of its
// session as the in-process Tracer does (RecordReader). Not thread-safe.
#pragma once

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "fantrace/result.h"
#include "fantrace/tracer.h"
#include "lib/daemon_protocol.h"
#include "lib/record_reader.h"

namespace fantrace {

class DaemonClient {
 public:
  // Fails with DaemonNotRunningMessage when nobody listens at socket_path.
  static Result<std::unique_ptr<DaemonClient>> Connect(const std::string& socket_path,
                                                       const std::vector<std::string>& include,
                                                       const std::vector<std::string>& exclude);
  ~DaemonClient();
  DaemonClient(const DaemonClient&) = delete;
  DaemonClient& operator=(const DaemonClient&) = delete;

  // Asks the daemon to trace pid (and, with tree, its descendants), with
  // the options it takes per session (event_mask, merge, regular_only,
  // only_written); the daemon refuses processes that are not the
  // caller's. Returns how many processes were added.
  Result<int> Trace(pid_t pid, bool tree, const TraceOptions& options);

  // As Tracer::Poll and Tracer::Drain.
  Status Poll(int timeout_ms, const EventSink& sink);
  Status Drain(const EventSink& sink);
  bool TreeEnded() const { return ended_; }
  TraceCounters Counters() const;
  uint64_t undecodable() const { return reader_.undecodable(); }

 private:
  DaemonClient(int fd, RecordReader reader) : fd_(fd), reader_(std::move(reader)) {}
  Status ReadAvailable(bool block, int timeout_ms);
  Status Dispatch(const EventSink* sink);

  int fd_;
  RecordReader reader_;
  FrameReader frames_{kMaxFrame};
  bool ended_ = false;
  bool eof_ = false;
  uint64_t lost_seen_ = 0;
  TraceCounters final_;
};

}  // namespace fantrace
