// One trace from start to summary: opens the tracer, starts or attaches to
// the command, reads events into the chosen writer and the summary until the
// last traced process has exited, and returns the exit status fantrace
// should exit with. The only place where library errors become messages.
#pragma once

#include <functional>
#include <optional>

#include "cli/as_user.h"
#include "cli/options.h"

namespace fantrace::cli {

// What `fantrace replay` changes in a run: the child enters the bundle's
// root before it execs (so the command is found there, not here), as the
// recorded user.
struct SessionHooks {
  std::function<int()> child_setup;   // see PausedChild::Start
  std::optional<Credentials> user;    // instead of --user / sudo's user
  bool lookup_in_child = false;       // do not look the command up here
};

int RunTraceSession(const Options& options, const SessionHooks& hooks = {});

}  // namespace fantrace::cli
