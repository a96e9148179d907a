#include "lib/bpf_objects.h"

#include <bpf/libbpf.h>

#include <cerrno>
#include <cstdlib>

// Only the compat object's ELF bytes are used from its skeleton; the rest
// of that header (the same definitions under another name) goes unused.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "fantrace_compat.skel.h"
#pragma GCC diagnostic pop

namespace fantrace {

fantrace_bpf* OpenBpfObject(BpfPath path) {
  if (path == BpfPath::kDefault) return fantrace_bpf__open();
  // fantrace_bpf__open() with the compat object's bytes in place of the
  // default's: the skeleton names maps and programs, the bytes define them.
  auto* obj = static_cast<fantrace_bpf*>(calloc(1, sizeof(fantrace_bpf)));
  if (!obj) {
    errno = ENOMEM;
    return nullptr;
  }
  int err = fantrace_bpf__create_skeleton(obj);
  if (!err) {
    obj->skeleton->data = const_cast<void*>(fantrace_bpf_compat__elf_bytes(&obj->skeleton->data_sz));
    err = bpf_object__open_skeleton(obj->skeleton, nullptr);
  }
  if (err) {
    fantrace_bpf__destroy(obj);
    errno = -err;
    return nullptr;
  }
  return obj;
}

}  // namespace fantrace
