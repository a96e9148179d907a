// A password written into a postgresql:// URI on the command line (--db,
// sync --to) is in /proc/PID/cmdline for every user to read. Once the
// options are parsed (into copies), fantrace overwrites the password in
// its own argv, which is what /proc shows, and warns: the password was
// visible while fantrace started, and belongs in FANTRACE_DB, the
// configuration file or ~/.pgpass instead.
#pragma once

#include <string>

namespace fantrace::cli {

// Masks the passwords of postgresql:// URIs in argv[1..] before a "--"
// (the traced command's own arguments are its business). Returns how many
// arguments it changed.
int HideUriPasswords(int argc, char** argv);

// `arg` with the password of a postgresql:// URI in it replaced by `*`s.
std::string MaskUriPassword(std::string arg);

}  // namespace fantrace::cli
