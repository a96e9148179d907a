// `fantrace shell-init bash|zsh`: the shell code that, eval'd in ~/.bashrc
// or ~/.zshrc, records every interactive command in the user's provenance
// database. The code starts one `fantrace shell-session` per interactive
// shell (it attaches the shell once) and installs two hooks that write one
// short mark each to that session's fifo with shell builtins only: before
// a command (time, working directory, the command line as typed) and at
// the next prompt (time, exit status). No process is started per prompt.
// `--disable` prints the code that turns it off for the running shell;
// FANTRACE_SHELL=off set before the eval keeps it off.
#pragma once

#include <string>

#include "fantrace/result.h"

namespace fantrace::cli {

// The code for `shell` ("bash" or "zsh"); `fantrace` is the absolute path
// of the fantrace binary the code runs.
Result<std::string> ShellInitCode(const std::string& shell, const std::string& fantrace);

// The code that turns shell integration off in the running shell (bash or
// zsh: the same text works in both).
std::string ShellDisableCode();

// Prints the code for `fantrace shell-init`; returns the exit status.
int RunShellInit(const std::string& shell, bool disable);

}  // namespace fantrace::cli
