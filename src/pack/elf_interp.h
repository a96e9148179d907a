// The program interpreter (PT_INTERP: the dynamic loader, ld.so) an ELF
// executable names. The kernel maps it at exec without an open(2) the
// tracer could see, so a bundle finds it here. Thread-safe.
#pragma once

#include <optional>
#include <string>

namespace fantrace::pack {

// The interpreter path of the ELF file at `path`, or nullopt for a static
// program, a script, or a file that is not ELF.
std::optional<std::string> ElfInterpreter(const std::string& path);

}  // namespace fantrace::pack
