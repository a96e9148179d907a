// The program interpreter (PT_INTERP: the dynamic loader, ld.so) an ELF
// executable names. The kernel maps it at exec without an open(2) the
// tracer could see: a bundle finds it here (pack), and the fanotify backend
// tells it from an exec (it sees the kernel open it). Thread-safe.
#pragma once

#include <optional>
#include <string>

namespace fantrace {

// The interpreter path of the ELF file at `path`, or nullopt for a static
// program, a script, or a file that is not ELF.
std::optional<std::string> ElfInterpreter(const std::string& path);

}  // namespace fantrace
