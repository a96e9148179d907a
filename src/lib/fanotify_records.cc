#include "lib/fanotify_records.h"

#include <fcntl.h>
#include <sys/fanotify.h>

#include <cstring>

namespace fantrace {
namespace {

// The fixed part of struct fanotify_event_info_fid, then struct
// file_handle's header: the handle bytes and the name follow.
constexpr size_t kFidHeader = sizeof(fanotify_event_info_header) + 2 * sizeof(int32_t);
constexpr size_t kHandleHeader = 2 * sizeof(uint32_t);

bool ParseDirName(const unsigned char* info, size_t len, FanDirName& out) {
  if (len < kFidHeader + kHandleHeader) return false;
  int32_t fsid[2];
  memcpy(fsid, info + sizeof(fanotify_event_info_header), sizeof fsid);
  out.fsid = static_cast<uint64_t>(static_cast<uint32_t>(fsid[0])) |
             static_cast<uint64_t>(static_cast<uint32_t>(fsid[1])) << 32;
  uint32_t handle_bytes;
  memcpy(&handle_bytes, info + kFidHeader, sizeof handle_bytes);
  memcpy(&out.handle_type, info + kFidHeader + sizeof handle_bytes, sizeof out.handle_type);
  size_t handle_at = kFidHeader + kHandleHeader;
  if (handle_bytes > len - handle_at) return false;
  out.handle.assign(reinterpret_cast<const char*>(info + handle_at), handle_bytes);
  size_t name_at = handle_at + handle_bytes;
  const char* name = reinterpret_cast<const char*>(info + name_at);
  out.name.assign(name, strnlen(name, len - name_at));
  if (out.name == ".") out.name.clear();
  out.present = true;
  return true;
}

}  // namespace

FanParseResult ParseFanotifyBuffer(const void* data, size_t size) {
  FanParseResult result;
  const unsigned char* p = static_cast<const unsigned char*>(data);
  size_t left = size;
  while (left >= sizeof(fanotify_event_metadata)) {
    fanotify_event_metadata meta;
    memcpy(&meta, p, sizeof meta);
    if (meta.event_len < meta.metadata_len || meta.event_len > left ||
        meta.metadata_len < sizeof meta) {
      ++result.malformed;
      break;
    }
    FanRecord rec;
    rec.mask = meta.mask;
    rec.pid = meta.pid;
    bool ok = true;
    size_t at = meta.metadata_len;
    while (ok && at + sizeof(fanotify_event_info_header) <= meta.event_len) {
      fanotify_event_info_header hdr;
      memcpy(&hdr, p + at, sizeof hdr);
      if (hdr.len < sizeof hdr || at + hdr.len > meta.event_len) {
        ok = false;
        break;
      }
      switch (hdr.info_type) {
        case FAN_EVENT_INFO_TYPE_DFID_NAME:
        case FAN_EVENT_INFO_TYPE_DFID:
        case FAN_EVENT_INFO_TYPE_NEW_DFID_NAME: ok = ParseDirName(p + at, hdr.len, rec.dir); break;
        case FAN_EVENT_INFO_TYPE_OLD_DFID_NAME: ok = ParseDirName(p + at, hdr.len, rec.old_dir); break;
        default: break;  // FID of the object, pidfd, ...: not used
      }
      at += hdr.len;
    }
    if (ok) result.records.push_back(std::move(rec));
    else ++result.malformed;
    p += meta.event_len;
    left -= meta.event_len;
  }
  if (left > 0 && left < sizeof(fanotify_event_metadata)) ++result.malformed;
  return result;
}

}  // namespace fantrace
