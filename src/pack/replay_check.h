// What a replay did compared with what the bundle recorded: files it read
// or executed that the bundle does not hold (only possible through /proc,
// /dev or files the root gained otherwise: each one is a hole in the
// bundle or the isolation), paths it looked for and did not find although
// they existed when packing (from `missing` events, when the trace has
// them), outputs that differ from the recorded hashes, outputs that were
// not made, and new ones. Pure function of its inputs plus hashing files
// under the replay root; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "pack/manifest.h"
#include "pack/trace_file.h"

namespace fantrace::pack {

struct OutputDifference {
  std::string path;
  std::string what;  // "content differs (hash ... then, ... now)", "not made", ...
};

struct ReplayFindings {
  std::vector<std::string> outside;      // read or executed, not in the bundle
  std::vector<std::string> missing;      // looked for, absent now, present when packed
  std::vector<std::string> new_outputs;  // written by the replay, not recorded
  std::vector<OutputDifference> differs; // --verify
  bool exit_differs = false;
};

// `root`: where the replay's files are (the bundle's root on this machine).
ReplayFindings CheckReplay(const Manifest& manifest, const TraceFile& replay, const std::string& root, bool verify);

// Where an output goes under --output-dir: its path below the recorded
// working directory, else its absolute path without the leading '/'.
std::string OutputName(const std::string& path, const std::string& cwd);

}  // namespace fantrace::pack
