#include "lib/elf_interp.h"

#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <vector>

namespace fantrace {
namespace {

bool ReadAt(int fd, void* buf, size_t size, off_t offset) {
  return pread(fd, buf, size, offset) == static_cast<ssize_t>(size);
}

template <typename Ehdr, typename Phdr>
std::optional<std::string> FindInterp(int fd) {
  Ehdr eh;
  if (!ReadAt(fd, &eh, sizeof(eh), 0) || eh.e_phentsize != sizeof(Phdr)) return std::nullopt;
  for (unsigned i = 0; i < eh.e_phnum && i < 4096; ++i) {
    Phdr ph;
    if (!ReadAt(fd, &ph, sizeof(ph), static_cast<off_t>(eh.e_phoff + i * sizeof(Phdr)))) return std::nullopt;
    if (ph.p_type != PT_INTERP) continue;
    if (ph.p_filesz == 0 || ph.p_filesz > 4096) return std::nullopt;
    std::vector<char> text(ph.p_filesz);
    if (!ReadAt(fd, text.data(), text.size(), static_cast<off_t>(ph.p_offset))) return std::nullopt;
    return std::string(text.data(), strnlen(text.data(), text.size()));
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ElfInterpreter(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  unsigned char ident[EI_NIDENT];
  std::optional<std::string> interp;
  if (ReadAt(fd, ident, sizeof(ident), 0) && memcmp(ident, ELFMAG, SELFMAG) == 0) {
    if (ident[EI_CLASS] == ELFCLASS64) interp = FindInterp<Elf64_Ehdr, Elf64_Phdr>(fd);
    else if (ident[EI_CLASS] == ELFCLASS32) interp = FindInterp<Elf32_Ehdr, Elf32_Phdr>(fd);
  }
  close(fd);
  return interp;
}

}  // namespace fantrace
