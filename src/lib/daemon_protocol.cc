#include "lib/daemon_protocol.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace fantrace {

std::string DaemonSocketPath() {
  const char* env = getenv("FANTRACE_SOCKET");
  return env && *env ? env : kDefaultDaemonSocket;
}

void AppendFrame(std::string& out, FrameKind kind, std::string_view payload) {
  uint32_t len = payload.size() + 1;
  char header[5] = {char(len & 0xff), char((len >> 8) & 0xff), char((len >> 16) & 0xff),
                    char((len >> 24) & 0xff), char(kind)};
  out.append(header, sizeof(header));
  out.append(payload);
}

Result<std::optional<Frame>> FrameReader::Next() {
  size_t avail = buffer_.size() - start_;
  if (avail < 4) return std::optional<Frame>();
  const auto* p = reinterpret_cast<const unsigned char*>(buffer_.data() + start_);
  uint32_t len = p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t(p[3]) << 24);
  if (len == 0 || len > max_frame_)
    return MakeError(fmt::format("a message of {} bytes (at most {})", len, max_frame_));
  if (avail < 5) return std::optional<Frame>();
  uint8_t kind = p[4];
  if (kind < uint8_t(FrameKind::kRequest) || kind > uint8_t(FrameKind::kEnd))
    return MakeError(fmt::format("a message of unknown kind {}", kind));
  if (avail < 4 + size_t(len)) return std::optional<Frame>();
  Frame frame{FrameKind(kind), buffer_.substr(start_ + 5, len - 1)};
  start_ += 4 + len;
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  } else if (start_ > 64 * 1024) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  return std::optional<Frame>(std::move(frame));
}

nlohmann::json SessionOptionsToJson(const TraceOptions& o) {
  return {{"events", o.event_mask}, {"merge", o.merge}, {"regular_only", o.regular_only},
          {"only_written", o.only_written}, {"include", o.include}, {"exclude", o.exclude}};
}

Result<TraceOptions> SessionOptionsFromJson(const nlohmann::json& j) {
  TraceOptions o;
  if (j.is_null()) return o;
  if (!j.is_object()) return MakeError("options must be an object");
  if (j.contains("events")) {
    if (!j["events"].is_number_unsigned() || j["events"].get<uint64_t>() > UINT32_MAX)
      return MakeError("options.events must be a 32-bit mask");
    o.event_mask = j["events"].get<uint32_t>();
  }
  for (auto [key, field] : {std::pair{"merge", &o.merge}, std::pair{"regular_only", &o.regular_only},
                            std::pair{"only_written", &o.only_written}}) {
    if (!j.contains(key)) continue;
    if (!j[key].is_boolean()) return MakeError(fmt::format("options.{} must be true or false", key));
    *field = j[key].get<bool>();
  }
  for (auto [key, list] : {std::pair{"include", &o.include}, std::pair{"exclude", &o.exclude}}) {
    if (!j.contains(key)) continue;
    if (!j[key].is_array() || j[key].size() > 16)
      return MakeError(fmt::format("options.{} must be a list of at most 16 paths", key));
    for (const nlohmann::json& p : j[key]) {
      if (!p.is_string()) return MakeError(fmt::format("options.{} must be a list of paths", key));
      list->push_back(p.get<std::string>());
    }
  }
  return o;
}

std::string CountersToJson(const TraceCounters& c) {
  nlohmann::json j = {{"lost", c.lost},
                      {"merged", c.merged},
                      {"filtered", c.filtered},
                      {"emitted", c.emitted},
                      {"file_state_full", c.file_state_full},
                      {"path_truncated", c.path_truncated},
                      {"untracked_procs", c.untracked_procs},
                      {"filtered_path", c.filtered_path},
                      {"filtered_fs", c.filtered_fs},
                      {"filtered_comm", c.filtered_comm},
                      {"filtered_unwritten", c.filtered_unwritten},
                      {"fd_scan_cut", c.fd_scan_cut},
                      {"uring_undecoded", c.uring_undecoded},

                      {"pending_full", c.pending_full},
                      {"scm_cut", c.scm_cut}};
  return j.dump();
}

Result<TraceCounters> CountersFromJson(std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return MakeError("the daemon sent unreadable counters");
  auto get = [&](const char* key) { return j.contains(key) && j[key].is_number_unsigned() ? j[key].get<uint64_t>() : 0; };
  TraceCounters c;
  c.lost = get("lost");
  c.merged = get("merged");
  c.filtered = get("filtered");
  c.emitted = get("emitted");
  c.file_state_full = get("file_state_full");
  c.path_truncated = get("path_truncated");
  c.untracked_procs = get("untracked_procs");
  c.filtered_path = get("filtered_path");
  c.filtered_fs = get("filtered_fs");
  c.filtered_comm = get("filtered_comm");
  c.filtered_unwritten = get("filtered_unwritten");
  c.fd_scan_cut = get("fd_scan_cut");
  c.uring_undecoded = get("uring_undecoded");
  c.pending_full = get("pending_full");
  c.scm_cut = get("scm_cut");
  return c;
}

Result<int> ConnectUnixSocket(const std::string& socket_path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof(addr.sun_path))
    return MakeError(fmt::format("socket path {} is too long", socket_path));
  memcpy(addr.sun_path, socket_path.c_str(), socket_path.size());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return MakeError(fmt::format("cannot create a socket: {}", strerror(errno)));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) return fd;
  int err = errno;
  close(fd);
  return -err;
}

Status CheckDaemonSocket(const std::string& socket_path) {
  struct stat st{};
  if (stat(socket_path.c_str(), &st) != 0)
    return MakeError(DaemonNotRunningMessage(socket_path, strerror(errno)));
  if (!S_ISSOCK(st.st_mode))
    return MakeError(fmt::format("{} is not a socket: remove it and restart fantraced", socket_path));
  Result<int> fd = ConnectUnixSocket(socket_path);
  if (!fd) return fd.error();
  if (*fd >= 0) {
    close(*fd);
    return Ok{};
  }
  int err = -*fd;
  if (err == EACCES)
    return MakeError(fmt::format("permission denied on {}: the socket must be mode 0666 in a "
                                 "directory everyone may search (fantraced sets this)", socket_path));
  return MakeError(DaemonNotRunningMessage(socket_path, strerror(err)));
}

std::string DaemonNotRunningMessage(const std::string& socket_path, const std::string& why) {
  return fmt::format("tracing without root needs the fantraced daemon, which is not running ({}: {}): "
                     "start it with `sudo systemctl start fantraced` or `sudo fantraced`",
                     socket_path, why);
}

}  // namespace fantrace
