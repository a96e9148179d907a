// Turns one ring-buffer record (src/abi/events.h) into a fantrace::Event.
// Records come from the kernel, but the decoder trusts nothing in them: every
// length is checked against the record size, so garbage yields an Error and
// never a read past the end. Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "fantrace/event.h"
#include "fantrace/result.h"

namespace fantrace {

// The kernel stamps records with the boot clock (it keeps counting through
// suspend, unlike the monotonic one); adding this offset gives Unix-epoch ns.
struct TimeBase {
  int64_t boot_to_epoch_ns = 0;
};

// Decodes a record of `size` bytes. Errors: short record, header size
// mismatch (an ABI skew between the BPF object and this binary), slot lengths
// past the end, unknown type, and FT_TREE_END, which is a reader-internal
// marker rather than an event: test IsTreeEnd first.
Result<Event> DecodeRecord(const void* data, size_t size, const TimeBase& tb);

// True when the record is the "last traced task has exited" marker. Checks
// only what it needs (size and type), so the reader can call it first.
bool IsTreeEnd(const void* data, size_t size);

// The result of an io_uring name operation (FT_URING_DONE), which is no
// event either: the reader holds the operation's event until it comes.
struct UringDone {
  uint64_t request = 0;
  int64_t result = 0;  // 0: it succeeded
  uint64_t time_ns = 0;  // of the completion, since the Unix epoch
};
std::optional<UringDone> UringDoneOf(const void* data, size_t size, const TimeBase& tb);

}  // namespace fantrace
