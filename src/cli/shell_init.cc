#include "cli/shell_init.h"

#include <unistd.h>

#include <climits>
#include <cstdio>

#include <fmt/format.h>

#include "cli/exit_status.h"

namespace fantrace::cli {
namespace {

// Marks on the fifo (parsed by shell_marks.cc): records start with RS
// (\036), fields are separated by US (\037).
//   I                         the shell opened the fifo
//   B US time US cwd US line  a command starts (time: $EPOCHREALTIME)
//   E US time US status       the prompt is back: the command ended
//   X                         shell integration was turned off
// The guard: interactive shells only, not turned off, not already on (a
// shell started from a recorded shell is part of that shell's command).
constexpr const char* kGuard =
    R"(if [[ $- == *i* && ${{FANTRACE_SHELL:-on}} != off && -z ${{FANTRACE_SHELL_PID:-}} ]]; then
  _fantrace_fifo="${{XDG_RUNTIME_DIR:-${{TMPDIR:-/tmp}}}}/fantrace-shell.$$.$RANDOM"
  if '{fantrace}' shell-session --shell {shell} --pid $$ --fifo "$_fantrace_fifo"; then
    exec {{_FANTRACE_FD}}<>"$_fantrace_fifo"
    export FANTRACE_SHELL_PID=$$
)";

constexpr const char* kBash = R"(    _fantrace_armed=
    _fantrace_running=
    _fantrace_preexec() {{
      [[ -n $_fantrace_armed && $BASH_COMMAND != _fantrace_precmd ]] || return 0
      _fantrace_armed=
      _fantrace_running=1
      builtin printf '\036B\037%s\037%s\037' "$EPOCHREALTIME" "$PWD" >&$_FANTRACE_FD
      HISTTIMEFORMAT= builtin history 1 >&$_FANTRACE_FD
    }}
    _fantrace_precmd() {{
      local s=$?
      _fantrace_armed=
      if [[ -n $_fantrace_running ]]; then
        _fantrace_running=
        builtin printf '\036E\037%s\037%s\n' "$EPOCHREALTIME" "$s" >&$_FANTRACE_FD
      fi
      return $s
    }}
    _fantrace_arm() {{ _fantrace_armed=1; }}
    PROMPT_COMMAND=(_fantrace_precmd "${{PROMPT_COMMAND[@]}}" _fantrace_arm)
    trap '_fantrace_preexec' DEBUG
    builtin printf '\036I\n' >&$_FANTRACE_FD
  fi
  unset _fantrace_fifo
fi
)";

constexpr const char* kZsh = R"(    zmodload zsh/datetime
    autoload -Uz add-zsh-hook
    _fantrace_running=
    _fantrace_preexec() {{
      _fantrace_running=1
      builtin print -rn -- $'\036B\037'"$EPOCHREALTIME"$'\037'"$PWD"$'\037'"${{1:-$3}}"$'\n' >&$_FANTRACE_FD
    }}
    _fantrace_precmd() {{
      local s=$?
      if [[ -n $_fantrace_running ]]; then
        _fantrace_running=
        builtin print -rn -- $'\036E\037'"$EPOCHREALTIME"$'\037'"$s"$'\n' >&$_FANTRACE_FD
      fi
      return $s
    }}
    add-zsh-hook preexec _fantrace_preexec
    add-zsh-hook precmd _fantrace_precmd
    precmd_functions=(_fantrace_precmd ${{precmd_functions:#_fantrace_precmd}})
    builtin print -rn -- $'\036I\n' >&$_FANTRACE_FD
  fi
  unset _fantrace_fifo
fi
)";

// Writes X (the session ends and stops tracing the shell), closes the
// fifo and removes the hooks; in bash and zsh alike.
constexpr const char* kDisable = R"(if [[ -n ${_FANTRACE_FD:-} ]]; then
  builtin printf '\036X\n' >&$_FANTRACE_FD 2>/dev/null
  exec {_FANTRACE_FD}>&-
  unset _FANTRACE_FD FANTRACE_SHELL_PID
  if [[ -n ${BASH_VERSION:-} ]]; then
    trap - DEBUG
    PROMPT_COMMAND=("${PROMPT_COMMAND[@]/#_fantrace_precmd}")
    PROMPT_COMMAND=("${PROMPT_COMMAND[@]/#_fantrace_arm}")
  else
    add-zsh-hook -d preexec _fantrace_preexec
    add-zsh-hook -d precmd _fantrace_precmd
  fi
fi
export FANTRACE_SHELL=off
)";

std::string SelfPath() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string("fantrace");
}

}  // namespace

Result<std::string> ShellInitCode(const std::string& shell, const std::string& fantrace) {
  if (shell != "bash" && shell != "zsh")
    return MakeError(fmt::format("shell-init knows bash and zsh, not '{}'", shell));
  if (fantrace.find('\'') != std::string::npos)
    return MakeError(fmt::format("the path of fantrace ({}) contains a quote; install it elsewhere", fantrace));
  std::string code = fmt::format(fmt::runtime(kGuard), fmt::arg("fantrace", fantrace), fmt::arg("shell", shell));
  code += fmt::format(fmt::runtime(shell == "bash" ? kBash : kZsh));
  return code;
}

std::string ShellDisableCode() { return kDisable; }

int RunShellInit(const std::string& shell, bool disable) {
  if (disable) {
    fmt::print("{}", ShellDisableCode());
    return 0;
  }
  Result<std::string> code = ShellInitCode(shell, SelfPath());
  if (!code) {
    fmt::print(stderr, "fantrace: {}\n", code.error().message);
    return kExitUsage;
  }
  fmt::print("{}", *code);
  return 0;
}

}  // namespace fantrace::cli
