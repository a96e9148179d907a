// Turns the summary's paths into FileRecords after the trace has ended:
// stats each file, hashes it, and keeps the hash only if the inode, size
// and mtime still equal what the kernel reported at the tree's last close
// (else the record says "changed"); the kernel's facts are found under
// stat's device number or, where that differs from the kernel's (btrfs,
// overlays), under the file's mount's. Captures the content of scripts and
// configuration files per the CapturePolicy. Files are handled one after
// the other with one read buffer, so memory stays bounded whatever the
// tree wrote. Not thread-safe.
#pragma once

#include <string>

#include "store/capture_policy.h"
#include "store/command_record.h"
#include "store/content_hash.h"
#include "store/file_facts.h"
#include "store/kernel_devices.h"

namespace fantrace::store {

FileRecord InspectFile(FileRole role, const std::string& path, const FileFacts& facts,
                       const CapturePolicy& capture, const HashScheme& scheme, KernelDevices& devices);

}  // namespace fantrace::store
