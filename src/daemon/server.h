// The fantraced server: one loaded engine (Tracer) and the clients of the
// Unix socket, served from one thread with poll(). Each client may ask for
// one trace; it gets a session slot, and the records of that slot are
// queued for it, at most kClientQueueBytes: a client that does not read has
// records dropped and counted as its `lost`, never the daemon's memory. A
// session ends when its tree ends (the client gets the counters, then the
// connection is closed) or when its client goes away (its processes are
// taken out of the tree). A malformed request gets an error reply and the
// connection is closed; nothing a client sends stops the server.
#pragma once

#include <sys/types.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "abi/events.h"
#include "fantrace/tracer.h"
#include "lib/daemon_protocol.h"

namespace fantrace::daemon {

constexpr size_t kClientQueueBytes = 8u << 20;

class Server {
 public:
  Server(Tracer& engine, int listen_fd) : engine_(engine), listen_fd_(listen_fd) {}
  // Serves until *stop becomes non-zero.
  void Run(volatile int* stop);

 private:
  struct Client {
    int fd = -1;
    uid_t uid = 0;
    pid_t pid = 0;
    FrameReader in{kMaxRequestFrame};
    std::string out;
    size_t out_off = 0;
    int slot = -1;              // its session, once it has one
    bool asked = false;         // one request per connection
    bool closing = false;       // close once `out` is written
    uint64_t dropped = 0;       // records lost (kernel, or a full queue), not yet reported
    uint64_t dropped_total = 0; // records dropped for a full queue
    uint64_t kernel_lost_reported = 0;
    std::string end;            // the kEnd payload, when the tree ended
    long closing_since_ms = 0;
    long connected_ms = 0;
  };
  enum class Slot { kFree, kActive, kDraining };

  void Accept();
  void ReadFrom(Client& c);
  void HandleRequest(Client& c, const std::string& payload);
  void Reply(Client& c, bool ok, const std::string& error, int session = 0, int added = 0);
  void Route(const void* data, size_t size);
  void ReportAndEnd(const std::vector<int>& ended);
  void WriteTo(Client& c);
  void Disconnect(Client& c);
  void DrainSlots();
  size_t Queued(const Client& c) const { return c.out.size() - c.out_off; }

  Tracer& engine_;
  int listen_fd_;
  std::vector<std::unique_ptr<Client>> clients_;
  std::array<Slot, FT_SESSION_MAX> slots_{};
  std::array<Client*, FT_SESSION_MAX> owner_{};
  int last_slot_ = 0;  // the slot taken last
};

}  // namespace fantrace::daemon
