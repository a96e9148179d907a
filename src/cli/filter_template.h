// `fantrace filter-template [NAME]`: a working user filter to start from,
// with the exact command that compiles it against the installed header
// (or, when fantrace runs from its build tree, the build tree's copy).
#pragma once

#include <string>

namespace fantrace::cli {

// Where <fantrace/filter.bpf.h> is: the installed include directory if the
// header is there, else the build tree's.
std::string FilterIncludeDir();

// The C source of a filter named `name` (a C identifier), its compile
// command in the opening comment.
std::string FilterTemplate(const std::string& name);

}  // namespace fantrace::cli
