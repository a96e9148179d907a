#include "lib/daemon_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace fantrace {

Result<std::unique_ptr<DaemonClient>> DaemonClient::Connect(const std::string& socket_path,
                                                            const std::vector<std::string>& include,
                                                            const std::vector<std::string>& exclude) {
  Result<int> connected = ConnectUnixSocket(socket_path);
  if (!connected) return connected.error();
  int fd = *connected;
  if (fd < 0) {
    if (-fd == EACCES)
      return MakeError(fmt::format("permission denied on the fantraced socket {}", socket_path));
    return MakeError(DaemonNotRunningMessage(socket_path, strerror(-fd)));
  }
  return std::unique_ptr<DaemonClient>(new DaemonClient(fd, RecordReader(CurrentTimeBase(), PathFilter(include, exclude))));
}

DaemonClient::~DaemonClient() { close(fd_); }

Status DaemonClient::ReadAvailable(bool block, int timeout_ms) {
  pollfd p{fd_, POLLIN, 0};
  int n = poll(&p, 1, block ? timeout_ms : 0);
  if (n < 0 && errno != EINTR) return MakeError(fmt::format("waiting for fantraced failed: {}", strerror(errno)));
  if (n <= 0) return Ok{};
  char buf[64 * 1024];
  for (int rounds = 0; rounds < 64; ++rounds) {
    ssize_t got = recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
    if (got > 0) {
      frames_.Feed(buf, got);
      continue;
    }
    if (got == 0) eof_ = true;
    else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
      return MakeError(fmt::format("reading from fantraced failed: {}", strerror(errno)));
    break;
  }
  return Ok{};
}

Result<int> DaemonClient::Trace(pid_t pid, bool tree, const TraceOptions& options) {
  nlohmann::json request = {{"op", "trace"},
                            {"pid", pid},
                            {"tree", tree},
                            {"options", SessionOptionsToJson(options)}};
  std::string out;
  AppendFrame(out, FrameKind::kRequest, request.dump());
  if (send(fd_, out.data(), out.size(), MSG_NOSIGNAL) != ssize_t(out.size()))
    return MakeError(fmt::format("cannot send the request to fantraced: {}", strerror(errno)));
  while (true) {
    Result<std::optional<Frame>> next = frames_.Next();
    if (!next) return MakeError("fantraced sent garbage: " + next.error().message);
    if (*next) {
      if ((*next)->kind != FrameKind::kReply) return MakeError("fantraced did not answer the request");
      nlohmann::json reply = nlohmann::json::parse((*next)->payload, nullptr, false);
      if (reply.is_discarded() || !reply.is_object()) return MakeError("fantraced sent an unreadable reply");
      if (!reply.value("ok", false)) return MakeError(reply.value("error", std::string("fantraced refused")));
      return reply.value("added", 1);
    }
    if (eof_) return MakeError("fantraced closed the connection without answering");
    if (Status st = ReadAvailable(true, -1); !st) return st.error();
  }
}

Status DaemonClient::Dispatch(const EventSink* sink) {
  while (true) {
    Result<std::optional<Frame>> next = frames_.Next();
    if (!next) return MakeError("fantraced sent garbage: " + next.error().message);
    if (!*next) return Ok{};
    Frame& frame = **next;
    switch (frame.kind) {
      case FrameKind::kRecord:
        if (Status st = reader_.Handle(frame.payload.data(), frame.payload.size(), *sink); !st) return st;
        break;
      case FrameKind::kLost: {
        uint64_t count = 0;
        if (frame.payload.size() == sizeof(count)) memcpy(&count, frame.payload.data(), sizeof(count));
        lost_seen_ += count;
        if (count > 0)
          if (Status st = (*sink)(LostEvent(count)); !st) return st;
        break;
      }
      case FrameKind::kEnd: {
        Result<TraceCounters> counters = CountersFromJson(frame.payload);
        if (!counters) return counters.error();
        final_ = *counters;
        ended_ = true;
        break;
      }
      default:
        return MakeError("fantraced sent an unexpected message");
    }
  }
}

Status DaemonClient::Poll(int timeout_ms, const EventSink& sink) {
  if (Status st = ReadAvailable(true, timeout_ms); !st) return st;
  if (Status st = Dispatch(&sink); !st) return st;
  if (eof_ && !ended_)
    return MakeError("fantraced closed the connection before the trace ended (was the daemon stopped?)");
  return Ok{};
}

Status DaemonClient::Drain(const EventSink& sink) {
  if (Status st = ReadAvailable(false, 0); !st) return st;
  return Dispatch(&sink);
}

TraceCounters DaemonClient::Counters() const {
  TraceCounters c = final_;
  if (!ended_) c.lost = lost_seen_;
  c.filtered_path += reader_.name_events_filtered();
  return c;
}

}  // namespace fantrace
