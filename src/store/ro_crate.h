// The exported commands as an RO-Crate 1.1 that conforms to the Process
// Run Crate profile 0.5 (https://w3id.org/ro/wfrun/process/0.5): each
// command a CreateAction with its program as instrument (a
// SoftwareApplication), the user as agent (a Person), its inputs as object
// and outputs as result (File data entities), and start and end times.
// Files placed in the crate get @ids relative to it; files only described
// get file:// URIs of their recorded paths. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "store/export_graph.h"

namespace fantrace::store {

inline constexpr const char* kProcessRunCrate = "https://w3id.org/ro/wfrun/process/0.5";

// Where each file version would go inside a crate, by version id: its path
// relative to `base` when under it, else "external/" and its absolute path;
// a second version of the same path goes under "versions/ID/".
std::map<std::string, std::string> CratePaths(const ExportGraph& graph, const std::string& base);

struct RoCrateOptions {
  // The versions whose bytes are in the crate, by version id, with their
  // paths in it (a subset of CratePaths); the others are only described.
  std::map<std::string, std::string> included;
  int64_t published_ns = 0;  // the crate's datePublished
};

// The ro-crate-metadata.json document.
nlohmann::json BuildRoCrate(const ExportGraph& graph, const RoCrateOptions& options);

// `path` percent-encoded as a URI path (unreserved characters and '/' kept).
std::string UriPath(const std::string& path);

}  // namespace fantrace::store
