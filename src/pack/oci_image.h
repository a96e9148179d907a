// A bundle as an OCI image archive (image-spec 1.0 layout in a tar:
// oci-layout, index.json, blobs/sha256/ holding the manifest, the config
// and one gzip layer) that `podman load -i` and `skopeo copy oci-archive:`
// accept. The layer is the bundle's root/ at /, plus /.fantrace/
// manifest.json; the config's entrypoint, working directory, environment
// and user are the recorded command's. Every blob is named by its SHA-256.
// Not thread-safe (temporary files).
#pragma once

#include <string>

#include "fantrace/result.h"

namespace fantrace::pack {

Status ExportImage(const std::string& bundle, const std::string& out, const std::string& tag);

// The lowercase hex SHA-256 of a file / of bytes.
Result<std::string> Sha256File(const std::string& path);
std::string Sha256Bytes(const std::string& bytes);

}  // namespace fantrace::pack
