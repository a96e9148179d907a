// The protocol between fantrace (client) and fantraced (the root daemon that
// owns the BPF engine), over a Unix stream socket. Every message is a frame:
// a 4-byte little-endian length, then that many bytes: one kind byte and the
// payload.
//
//   client -> daemon  kRequest  JSON {"op":"trace","pid":N,"tree":false,
//                               "options":{"events":MASK,"merge":true,
//                               "regular_only":true,"only_written":false,
//                               "include":[],"exclude":[]}}
//                               (tree: also the descendants pid has: attach;
//                               options: each optional, these are defaults)
//   daemon -> client  kReply    JSON {"ok":true,"session":S,"added":N} or
//                               {"ok":false,"error":"what and what to do"}
//                     kRecord   one raw record of the session (src/abi/events.h)
//                     kLost     8 bytes: records of the session lost since the
//                               last kLost (kernel buffer full, or this
//                               client's queue full because it did not read)
//                     kEnd      JSON counters: the tree ended; the daemon
//                               closes the connection after it
//
// A request the daemon cannot parse gets a kReply error and the connection
// is closed. Stateless helpers; FrameReader is one per connection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fantrace/result.h"
#include "fantrace/tracer.h"

namespace fantrace {

enum class FrameKind : uint8_t { kRequest = 1, kReply = 2, kRecord = 3, kLost = 4, kEnd = 5 };

constexpr size_t kMaxRequestFrame = 64 * 1024;      // what the daemon accepts
constexpr size_t kMaxFrame = 64 * 1024;             // a record is far smaller

// The socket fantrace looks for: $FANTRACE_SOCKET if set, else the default.
constexpr const char* kDefaultDaemonSocket = "/run/fantrace/fantrace.sock";
std::string DaemonSocketPath();

void AppendFrame(std::string& out, FrameKind kind, std::string_view payload);

struct Frame {
  FrameKind kind;
  std::string payload;
};

// Accumulates bytes from a stream and cuts them into frames. A frame longer
// than the limit, or of an unknown kind, is an error: the stream is garbage.
class FrameReader {
 public:
  explicit FrameReader(size_t max_frame) : max_frame_(max_frame) {}
  void Feed(const char* data, size_t size) { buffer_.append(data, size); }
  // The next complete frame, nothing if more bytes are needed, or an error.
  Result<std::optional<Frame>> Next();
  size_t buffered() const { return buffer_.size(); }

 private:
  size_t max_frame_;
  std::string buffer_;
  size_t start_ = 0;
};

// The options a session may set, as the request's "options", and back
// (into the defaults); an error names a member of the wrong type.
nlohmann::json SessionOptionsToJson(const TraceOptions& options);
Result<TraceOptions> SessionOptionsFromJson(const nlohmann::json& json);

// Counters as the kEnd payload, and back.
std::string CountersToJson(const TraceCounters& counters);
Result<TraceCounters> CountersFromJson(std::string_view json);

// For `fantrace doctor`: whether a daemon answers at socket_path. Ok when a
// connection succeeds; else an error that says what is wrong (missing,
// not a socket, permission denied, nobody listening) and what to do.
Status CheckDaemonSocket(const std::string& socket_path);

// Connects a stream socket to the Unix socket at socket_path: the connected
// fd, -errno when connect(2) failed, or an error when no socket could be
// tried (a path too long, no socket left).
Result<int> ConnectUnixSocket(const std::string& socket_path);

// The line an ordinary user sees when no daemon is running.
std::string DaemonNotRunningMessage(const std::string& socket_path, const std::string& why);

}  // namespace fantrace
