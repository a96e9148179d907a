// libFuzzer target: ring-buffer records, the one input that crosses from
// the kernel. Every byte string goes through DecodeRecord twice, as it is
// and with a valid header size (so the fuzzer reaches the slot parsing at
// once), and every event that decodes is written in each output format.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "abi/events.h"
#include "cli/format.h"
#include "lib/decoder.h"

namespace {

FILE* DevNull() {
  static FILE* null_file = std::fopen("/dev/null", "w");
  return null_file;
}

void DecodeAndWrite(const uint8_t* data, size_t size) {
  (void)fantrace::IsTreeEnd(data, size);
  fantrace::Result<fantrace::Event> event = fantrace::DecodeRecord(data, size, fantrace::TimeBase{});
  if (!event) return;
  for (const char* format : {"jsonl", "text", "fsatrace"}) {
    auto writer = fantrace::cli::MakeWriter(format, DevNull());
    if (!writer) __builtin_trap();
    (void)(*writer)->Write(*event);
    (void)(*writer)->Flush();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  DecodeAndWrite(data, size);
  if (size >= sizeof(ft_record)) {
    std::vector<uint8_t> fixed(data, data + size);
    uint16_t hdr_size = sizeof(ft_record);
    std::memcpy(fixed.data() + offsetof(ft_record, hdr_size), &hdr_size, sizeof(hdr_size));
    DecodeAndWrite(fixed.data(), fixed.size());
  }
  return 0;
}
