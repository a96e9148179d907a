// The bundle file: a tar archive (POSIX pax) compressed with zstd, written
// and read with libarchive. Its first member is manifest.json; the files
// follow under root/ at their absolute paths (root/usr/bin/python3.11),
// directories before what they hold, with their modes, owners and mtimes.
// Members listed in the manifest as not included are absent. Readers
// refuse members outside manifest.json and root/, absolute names, ".."
// components and extraction through symlinks. Not thread-safe (extraction
// changes the working directory for its duration).
#pragma once

#include <functional>
#include <string>

#include "fantrace/result.h"
#include "pack/manifest.h"

namespace fantrace::pack {

inline constexpr const char* kManifestMember = "manifest.json";
inline constexpr const char* kRootMember = "root";

// Writes the manifest and every included file of it, read from the live
// file system, to `out` (through a temporary name, renamed at the end). A
// file whose size is not the manifest's any more fails the pack.
Status WriteBundle(const std::string& out, const Manifest& manifest);

Result<Manifest> ReadBundleManifest(const std::string& bundle);

// Unpacks `bundle` into `dir` (created if missing): dir/manifest.json and
// dir/root/... Owners are restored when running as root.
Status ExtractBundle(const std::string& bundle, const std::string& dir);

}  // namespace fantrace::pack
