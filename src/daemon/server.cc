#include "daemon/server.h"

#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "daemon/peer_check.h"

namespace fantrace::daemon {
namespace {

constexpr int kPollMs = 50;
// A client whose trace ended but who reads nothing is closed after this,
// and so is one that sends no request: idle connections hold no fds.
constexpr long kClosingGraceMs = 10'000;
constexpr long kRequestTimeoutMs = 10'000;
// Connections served at once; more are closed at once.
constexpr size_t kMaxClients = 256;

long NowMs() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec * 1000 + now.tv_nsec / 1'000'000;
}

void Log(const std::string& line) { fmt::print(stderr, "fantraced: {}\n", line); }

}  // namespace

void Server::Run(volatile int* stop) {
  while (!*stop) {
    std::vector<pollfd> fds;
    fds.push_back({listen_fd_, POLLIN, 0});
    fds.push_back({engine_.ring_fd(), POLLIN, 0});
    for (auto& c : clients_) fds.push_back({c->fd, short(POLLIN | (Queued(*c) ? POLLOUT : 0)), 0});
    int n = poll(fds.data(), fds.size(), kPollMs);
    if (n < 0 && errno != EINTR) {
      Log(fmt::format("poll failed: {}", strerror(errno)));
      return;
    }
    if (fds[0].revents & POLLIN) Accept();
    // Clients listed in fds are the first fds.size() - 2 of clients_.
    size_t polled = fds.size() - 2;
    for (size_t i = 0; i < polled && i < clients_.size(); ++i) {
      short ev = fds[i + 2].revents;
      if (ev & (POLLIN | POLLHUP | POLLERR)) ReadFrom(*clients_[i]);
    }
    // Which trees had ended before the buffer is read: every record they
    // sent is in the buffer then, and goes out before their end message.
    std::vector<int> ended;
    for (int s = 1; s < FT_SESSION_MAX; ++s)
      if (slots_[s] == Slot::kActive && engine_.LiveProcs(s) <= 0) ended.push_back(s);
    if (Status st = engine_.PollRaw(0, [this](const void* d, size_t n) { Route(d, n); }); !st)
      Log(st.error().message);
    ReportAndEnd(ended);
    DrainSlots();
    long now = NowMs();
    for (auto& c : clients_) {
      if (c->fd >= 0 && Queued(*c)) WriteTo(*c);
      if (c->fd >= 0 && c->closing && (!Queued(*c) || now - c->closing_since_ms > kClosingGraceMs))
        Disconnect(*c);
      if (c->fd >= 0 && !c->asked && now - c->connected_ms > kRequestTimeoutMs) Disconnect(*c);
    }
    clients_.erase(std::remove_if(clients_.begin(), clients_.end(), [](auto& c) { return c->fd < 0; }),
                   clients_.end());
  }
}

void Server::Accept() {
  while (true) {
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    if (clients_.size() >= kMaxClients) {
      close(fd);
      continue;
    }
    ucred cred{};
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
      close(fd);
      continue;
    }
    auto c = std::make_unique<Client>();
    c->fd = fd;
    c->uid = cred.uid;
    c->pid = cred.pid;
    c->connected_ms = NowMs();
    clients_.push_back(std::move(c));
  }
}

void Server::ReadFrom(Client& c) {
  if (c.fd < 0) return;
  char buf[4096];
  while (true) {
    ssize_t got = recv(c.fd, buf, sizeof(buf), 0);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      Disconnect(c);  // the client went away: so does its session
      return;
    }
    if (got < 0) break;
    if (c.closing) continue;  // what it sends after its request is ignored
    c.in.Feed(buf, got);
    Result<std::optional<Frame>> frame = c.in.Next();
    if (!frame) {
      Reply(c, false, "malformed request: " + frame.error().message);
      continue;
    }
    if (!*frame) continue;
    if ((*frame)->kind != FrameKind::kRequest || c.asked) {
      Reply(c, false, "malformed request: one trace request per connection is expected");
      continue;
    }
    c.asked = true;
    try {
      HandleRequest(c, (*frame)->payload);
    } catch (const std::exception& e) {  // a JSON type the checks missed: the request's fault
      Reply(c, false, std::string("malformed request: ") + e.what());
    }
  }
}

void Server::Reply(Client& c, bool ok, const std::string& error, int session, int added) {
  nlohmann::json reply = ok ? nlohmann::json{{"ok", true}, {"session", session}, {"added", added}}
                            : nlohmann::json{{"ok", false}, {"error", error}};
  AppendFrame(c.out, FrameKind::kReply, reply.dump());
  if (!ok) {
    c.closing = true;
    c.closing_since_ms = NowMs();
  }
}

void Server::HandleRequest(Client& c, const std::string& payload) {
  nlohmann::json req = nlohmann::json::parse(payload, nullptr, false);
  if (req.is_discarded() || !req.is_object() || !req.contains("op") || req["op"] != "trace" ||
      !req.contains("pid") || !req["pid"].is_number_integer() ||
      (req.contains("tree") && !req["tree"].is_boolean()))
    return Reply(c, false, R"(malformed request: expected {"op":"trace","pid":N,"tree":false,"options":{...}})");
  pid_t pid = req["pid"].get<pid_t>();
  bool tree = req.value("tree", false);
  Result<TraceOptions> options = SessionOptionsFromJson(req.contains("options") ? req["options"] : nlohmann::json());
  if (!options) return Reply(c, false, "malformed request: " + options.error().message);
  if (Status st = MayTrace(c.uid, pid); !st) {
    Log(fmt::format("refused uid {} tracing {}: {}", c.uid, pid, st.error().message));
    return Reply(c, false, st.error().message);
  }
  // Round robin: a slot just freed is the last one taken again, so a
  // handler that was still running for its old session when it ended has
  // long finished by then.
  int slot = 0;
  for (int i = 0; i < FT_SESSION_MAX - 1 && !slot; ++i) {
    int s = 1 + (last_slot_ + i) % (FT_SESSION_MAX - 1);
    if (slots_[s] == Slot::kFree) slot = s;
  }
  if (!slot)
    return Reply(c, false, fmt::format("fantraced serves at most {} traces at once: try again later",
                                       FT_SESSION_MAX - 1));
  engine_.ResetSession(slot);
  if (Status st = engine_.SetSessionOptions(slot, *options); !st) return Reply(c, false, st.error().message);
  uid_t uid = c.uid;
  Result<int> added = tree ? engine_.AddTree(pid, slot, [uid](pid_t p) { return bool(MayTrace(uid, p)); })
                           : [&]() -> Result<int> {
                               if (Status st = engine_.AddRoot(pid, slot); !st) return st.error();
                               return 1;
                             }();
  if (!added) return Reply(c, false, added.error().message);
  slots_[slot] = Slot::kActive;
  last_slot_ = slot;
  owner_[slot] = &c;
  c.slot = slot;
  Log(fmt::format("session {}: uid {} traces {} ({} processes)", slot, c.uid, pid, *added));
  Reply(c, true, "", slot, *added);
}

void Server::Route(const void* data, size_t size) {
  if (size < sizeof(ft_record)) return;
  uint32_t slot = 0;
  memcpy(&slot, static_cast<const char*>(data) + offsetof(ft_record, session), sizeof(slot));
  uint16_t type = 0;
  memcpy(&type, data, sizeof(type));
  if (slot >= FT_SESSION_MAX || slots_[slot] != Slot::kActive || type == FT_TREE_END) return;
  Client& c = *owner_[slot];
  if (Queued(c) + size + 5 > kClientQueueBytes) {
    ++c.dropped;  // the client does not read: its loss, not the daemon's memory
    ++c.dropped_total;
    return;
  }
  AppendFrame(c.out, FrameKind::kRecord, std::string_view(static_cast<const char*>(data), size));
}

void Server::ReportAndEnd(const std::vector<int>& ended) {
  for (int s : ended) {
    Client& c = *owner_[s];
    TraceCounters counters = engine_.Counters(s);
    c.dropped += counters.lost - c.kernel_lost_reported;  // the last loss goes out before the end
    counters.lost += c.dropped_total;
    c.end = CountersToJson(counters);
    slots_[s] = Slot::kFree;
    owner_[s] = nullptr;
    c.slot = -1;
    Log(fmt::format("session {}: tree ended", s));
  }
  for (auto& cp : clients_) {
    Client& c = *cp;
    if (c.fd < 0) continue;
    if (c.slot > 0) {
      uint64_t kernel_lost = engine_.Counters(c.slot).lost;
      c.dropped += kernel_lost - c.kernel_lost_reported;
      c.kernel_lost_reported = kernel_lost;
    }
    // Control messages too wait for room, so a client that never reads
    // holds at most the queue bound.
    if (c.dropped > 0 && Queued(c) + 16 <= kClientQueueBytes) {
      AppendFrame(c.out, FrameKind::kLost, std::string_view(reinterpret_cast<const char*>(&c.dropped), sizeof(c.dropped)));
      c.dropped = 0;
    }
    if (!c.end.empty() && c.dropped == 0 && Queued(c) + c.end.size() + 5 <= kClientQueueBytes) {
      AppendFrame(c.out, FrameKind::kEnd, c.end);
      c.end.clear();
      c.closing = true;
      c.closing_since_ms = NowMs();
    }
  }
}

void Server::WriteTo(Client& c) {
  while (Queued(c)) {
    ssize_t n = send(c.fd, c.out.data() + c.out_off, Queued(c), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
      Disconnect(c);
      return;
    }
    c.out_off += n;
  }
  if (c.out_off == c.out.size() || c.out_off > (1u << 20)) {
    c.out.erase(0, c.out_off);
    c.out_off = 0;
  }
}

void Server::Disconnect(Client& c) {
  if (c.fd < 0) return;
  close(c.fd);
  c.fd = -1;
  if (c.slot > 0) {
    // Its processes leave the tree; the slot is reused once none is left.
    slots_[c.slot] = Slot::kDraining;
    owner_[c.slot] = nullptr;
    Log(fmt::format("session {}: client went away", c.slot));
    c.slot = -1;
  }
}

void Server::DrainSlots() {
  for (int s = 1; s < FT_SESSION_MAX; ++s) {
    if (slots_[s] != Slot::kDraining) continue;
    engine_.RemoveSession(s);
    if (engine_.LiveProcs(s) <= 0) slots_[s] = Slot::kFree;
  }
}

}  // namespace fantrace::daemon
