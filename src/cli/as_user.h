// Acting as the user who ran fantrace under sudo. Root works for that user
// on paths the user controls (the provenance database, the files a traced
// command touched), where a symlink the user planted would turn root's
// opens and creates against root's own files. So that work is done by a
// process that has given up root for good (supplementary groups, gid, uid;
// checked that root cannot be regained): the kernel then applies its
// permission checks and symlink protections exactly as for the user.
// A child process rather than a temporary seteuid: seteuid is per process
// (glibc switches every thread), root could be taken back by anything that
// runs before the switch is undone, and SQLite touches its -wal/-shm files
// whenever it likes, not only inside a guard.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "fantrace/result.h"

namespace fantrace::cli {

struct Credentials {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;  // for initgroups; empty: no supplementary groups but gid
};

// Makes this process `user` for good: its groups, gid and uid (real,
// effective and saved), so that no capability is left; an error when
// anything would let it become root again.
Status BecomeUser(const Credentials& user);

// Runs `work` in a forked child that has first become `user`, with every
// descriptor but stdin, stdout and stderr closed, and returns what `work`
// returned. The child shares nothing with the caller afterwards: it ends
// with _exit, so no destructor of the caller's objects runs twice. The
// caller must be single-threaded (fork copies only the calling thread).
Result<std::string> RunAsUser(const Credentials& user, const std::function<Result<std::string>()>& work);

}  // namespace fantrace::cli
