// `fantrace info`: what a bundle holds, for a person. The command and the
// machine it ran on, then the files' count and bytes by role and by Debian
// package (largest first), the outputs, and what was flagged when packing.
// Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "pack/manifest.h"

namespace fantrace::pack {

std::string DescribeBundle(const Manifest& manifest, uint64_t bundle_bytes, size_t max_packages = 20);

// "1.2 MiB" for people.
std::string HumanBytes(uint64_t bytes);

}  // namespace fantrace::pack
