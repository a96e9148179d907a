// Lineage as people and tools read it: an indented tree of text, a graph
// of file and command nodes (JSON, for --json and the HTML page), Graphviz
// DOT, and a standalone HTML page (lineage_html.cc) that draws the graph
// with inline JavaScript and SVG, needing no network.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "store/lineage.h"

namespace fantrace::store {

std::string RenderLineageText(const LineageFile& root);

// {"root": id, "nodes": [{id, kind: "file"|"command", label, depth, details{...}}],
//  "edges": [{from, to, kind: "read"|"wrote"}]}; data flows along the edges.
nlohmann::json LineageGraph(const LineageFile& root);

std::string RenderLineageDot(const LineageFile& root);
std::string RenderLineageHtml(const LineageFile& root);

// The command line for display: argv joined, each argument quoted when it
// has spaces or shell metacharacters.
std::string DisplayCommand(const std::vector<std::string>& argv);

}  // namespace fantrace::store
