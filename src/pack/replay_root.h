// The isolated root a bundle replays in. PrepareReplayRoot unpacks the
// bundle into a new temporary directory, swaps in --input files and fills
// in package files the bundle left out (--no-package-files) from this
// machine when their hash matches. EnterReplayMounts (in fantrace, before
// the command starts) moves fantrace into a mount namespace of its own and
// mounts /proc and a minimal /dev (null, zero, full, random, urandom, tty
// bound from the host) into the root; /tmp is the bundle's own, new, empty
// but for what the bundle holds there. The command's child then calls
// EnterReplayRoot: its own mount namespace whose root is the bundle
// (pivot_root, the old root detached: nothing else of the host is
// reachable), a new network namespace with only loopback unless networking
// is allowed, the recorded hostname in a UTS namespace, and the cwd.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "fantrace/result.h"
#include "pack/manifest.h"

namespace fantrace::pack {

struct ReplayRoot {
  std::string dir;   // the temporary directory (dir/root, dir/trace.jsonl)
  std::string root;  // dir/root
};

// `inputs`: (path in the bundle, file on this machine). `warnings` gets
// the package files that could not be filled in.
Result<ReplayRoot> PrepareReplayRoot(const std::string& bundle, const Manifest& manifest,
                                     const std::vector<std::pair<std::string, std::string>>& inputs,
                                     std::vector<std::string>& warnings);

Status EnterReplayMounts(const ReplayRoot& root);

// What the child needs, prepared before fork so that EnterReplayRoot
// allocates nothing.
struct ChildRoot {
  std::string root;
  std::string cwd;
  std::string hostname;
  bool network = false;
  std::vector<std::string> env;  // NAME=VALUE
  std::vector<char*> envp;       // into env, null-terminated
};

// In the forked child: returns 0, or the errno of the step that failed.
int EnterReplayRoot(ChildRoot& child);

// Removes the temporary directory and everything below it (the mounts go
// with the namespace).
void RemoveReplayRoot(const ReplayRoot& root);

}  // namespace fantrace::pack
