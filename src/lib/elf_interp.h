// The program interpreter (PT_INTERP, the dynamic loader) an ELF executable
// names: the file the kernel opens for exec after the program itself.
// Stateless, thread-safe.
#pragma once

#include <string>

namespace fantrace {

// "" when path is not a readable 64-bit ELF file or names no interpreter.
std::string ElfInterpreter(const std::string& path);

}  // namespace fantrace
