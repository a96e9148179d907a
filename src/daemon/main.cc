// fantraced: the root daemon that lets ordinary users trace their own
// commands. It loads the BPF engine once and serves trace sessions over a
// Unix socket (see src/lib/daemon_protocol.h and docs/design.md).
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "daemon/server.h"
#include "fantrace/tracer.h"
#include "lib/daemon_protocol.h"

namespace {

volatile int stop_requested = 0;
void RequestStop(int) { stop_requested = 1; }

int Fail(const std::string& message) {
  fmt::print(stderr, "fantraced: {}\n", message);
  return 2;
}

// Binds the socket: mode 0666 (any user may connect; the daemon checks each
// request), in a directory made 0755 if it is missing. A socket file left by
// a daemon that died is replaced; one a running daemon answers on is not.
fantrace::Result<int> Listen(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof(addr.sun_path)) return fantrace::MakeError(fmt::format("socket path {} is too long", path));
  memcpy(addr.sun_path, path.c_str(), path.size());
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return fantrace::MakeError(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
    chmod(dir.c_str(), 0755);
  }
  if (fantrace::CheckDaemonSocket(path))
    return fantrace::MakeError(fmt::format("another fantraced already serves {}", path));
  unlink(path.c_str());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fantrace::MakeError(fmt::format("cannot create a socket: {}", strerror(errno)));
  mode_t old = umask(0);
  int rc = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  umask(old);
  if (rc != 0 || chmod(path.c_str(), 0666) != 0 || listen(fd, 64) != 0) {
    int err = errno;
    close(fd);
    return fantrace::MakeError(fmt::format("cannot listen on {}: {}", path, strerror(err)));
  }
  return fd;
}

void Daemonize() {
  pid_t pid = fork();
  if (pid < 0) return;  // serve in the foreground then
  if (pid > 0) _exit(0);
  setsid();
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null_fd >= 0) {
    for (int fd = 0; fd <= 2; ++fd) dup2(null_fd, fd);
    close(null_fd);
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "fantraced: the fantrace daemon. It loads the tracing engine once, as root, and lets "
      "ordinary users trace their own commands (`fantrace run`, `fantrace attach`) through a "
      "Unix socket, each seeing only the events of the processes they own."};
  std::string socket_path = fantrace::kDefaultDaemonSocket;
  bool foreground = false;
  bool probes = false;
  app.add_option("--socket", socket_path, fmt::format("The socket to serve on (default {})", fantrace::kDefaultDaemonSocket))
      ->type_name("PATH");
  app.add_flag("--foreground", foreground, "Do not detach; log to standard error (for systemd)");
  app.add_flag("--probes", probes,
               "Also load the lookup programs, so that sessions may ask for --probes (stat, readdir, "
               "missing): while fantraced runs, every process's stat, access, readlink, exec and "
               "getdents calls then pay a membership check");
  app.set_version_flag("--version", FANTRACE_VERSION);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (geteuid() != 0) return Fail("must run as root: it loads the BPF programs for every user");

  fantrace::TraceOptions options;
  options.buffer_size = 64ull << 20;  // shared by every session
  options.per_session = true;
  // Which kinds a session gets is its own (--events, --probes); this only
  // says whether the lookup programs are there for the sessions to ask.
  if (probes) options.event_mask |= fantrace::kLookupEventMask;
  fantrace::Result<std::unique_ptr<fantrace::Tracer>> engine = fantrace::Tracer::Open(options);
  if (!engine) return Fail(engine.error().message);
  fantrace::Result<int> listen_fd = Listen(socket_path);
  if (!listen_fd) return Fail(listen_fd.error().message);

  signal(SIGPIPE, SIG_IGN);
  struct sigaction sa{};
  sa.sa_handler = RequestStop;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);

  fmt::print(stderr, "fantraced: serving on {}\n", socket_path);
  if (!foreground) Daemonize();
  fantrace::daemon::Server server(**engine, *listen_fd);
  server.Run(&stop_requested);
  close(*listen_fd);
  unlink(socket_path.c_str());
  (*engine)->ReleaseInBackground();
  return 0;
}
