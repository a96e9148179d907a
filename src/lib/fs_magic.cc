#include "lib/fs_magic.h"

#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace fantrace {
namespace {

struct Magic {
  const char* name;
  uint64_t magic;  // include/uapi/linux/magic.h
};

// devtmpfs is missing on purpose: it is shmem-backed and carries tmpfs's
// magic, so it cannot be told apart from tmpfs; its device nodes are not
// regular files, which the kernel side drops anyway.
constexpr Magic kMagics[] = {
    {"proc", 0x9fa0},          {"sysfs", 0x62656572},      {"cgroup", 0x27e0eb},
    {"cgroup2", 0x63677270},   {"debugfs", 0x64626720},    {"tracefs", 0x74726163},
    {"securityfs", 0x73636673}, {"pstore", 0x6165676c},    {"bpf", 0xcafe4a11},
    {"configfs", 0x62656570},  {"devpts", 0x1cd1},         {"mqueue", 0x19800202},
    {"fusectl", 0x65735543},   {"binfmt_misc", 0x42494e4d}, {"selinuxfs", 0xf97cff8c},
    {"efivarfs", 0xde5e81e4},  {"nsfs", 0x6e736673},       {"pipefs", 0x50495045},
    {"sockfs", 0x534f434b},    {"anon_inodefs", 0x09041934}, {"hugetlbfs", 0x958458f6},
    {"tmpfs", 0x01021994},     {"ramfs", 0x858458f6},      {"ext4", 0xef53},
    {"xfs", 0x58465342},       {"btrfs", 0x9123683e},      {"overlay", 0x794c7630},
    {"nfs", 0x6969},           {"fuse", 0x65735546},       {"squashfs", 0x73717368},
    {"9p", 0x01021997},        {"vfat", 0x4d44},
};

}  // namespace

const std::vector<std::string>& DefaultExcludedFilesystems() {
  static const std::vector<std::string> names = {
      "proc",   "sysfs",    "cgroup",      "cgroup2",   "debugfs",  "tracefs", "securityfs",
      "pstore", "bpf",      "configfs",    "devpts",    "mqueue",   "fusectl", "binfmt_misc",
      "selinuxfs", "efivarfs", "nsfs",     "pipefs",    "sockfs",   "anon_inodefs"};
  return names;
}

Result<uint64_t> FilesystemMagic(const std::string& name) {
  for (const Magic& m : kMagics)
    if (name == m.name) return m.magic;
  std::vector<std::string> known;
  for (const Magic& m : kMagics) known.emplace_back(m.name);
  return MakeError(fmt::format("unknown file system type '{}' (known: {})", name, fmt::join(known, ",")));
}

Result<std::vector<std::string>> ParseFilesystemList(const std::string& list) {
  if (list == "none" || list.empty()) return std::vector<std::string>{};
  if (list == "default") return DefaultExcludedFilesystems();
  std::vector<std::string> names;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty()) continue;
    if (item == "default") {
      for (const std::string& d : DefaultExcludedFilesystems()) names.push_back(d);
      continue;
    }
    if (Result<uint64_t> magic = FilesystemMagic(item); !magic) return magic.error();
    names.push_back(item);
  }
  return names;
}

}  // namespace fantrace
