#include "lib/fanotify_mapper.h"

#include <sys/fanotify.h>

namespace fantrace {
namespace {

Event Base(EventType type, uint32_t pid, uint64_t time_ns, const std::string& path) {
  Event e;
  e.type = type;
  e.pid = pid;
  e.tid = pid;  // the group reports thread group ids (no FAN_REPORT_TID)
  e.time_ns = time_ns;
  e.path = path;
  return e;
}

}  // namespace

FanotifyMapper::FanotifyMapper(std::function<std::string(const std::string&)> interp_of)
    : interp_of_(std::move(interp_of)) {}

void FanotifyMapper::Map(const FanEvent& e, std::vector<Event>& out) {
  const bool dir = e.mask & FAN_ONDIR;
  if (e.mask & FAN_CREATE) {
    if (dir) out.push_back(Base(EventType::kMkdir, e.pid, e.time_ns, e.path));
    else created_[e.path] = true;
  }
  if (e.mask & FAN_RENAME) {
    Event r = Base(EventType::kRename, e.pid, e.time_ns, e.path);
    r.from = e.from;
    out.push_back(std::move(r));
    if (auto p = pending_.extract(e.from)) pending_.insert({e.path, p.mapped()});
  }
  // Opens and closes of directories (FAN_ONDIR) and of devices, fifos and
  // the like are not reported, as the eBPF engine reports regular files.
  if (!dir && e.regular) {
    if (e.mask & FAN_OPEN_EXEC) Exec(e, out);
    else if (e.mask & (FAN_OPEN | FAN_ACCESS | FAN_MODIFY)) OpenOrModify(e);
    if (e.mask & FAN_CLOSE_NOWRITE) Close(e, false, out);
    if (e.mask & FAN_CLOSE_WRITE) Close(e, true, out);
  }
  // Last: fanotify merges the events of one name, and a file written and
  // removed before they were read comes as one OPEN|...|CLOSE|DELETE.
  if (e.mask & FAN_DELETE) {
    out.push_back(Base(dir ? EventType::kRmdir : EventType::kUnlink, e.pid, e.time_ns, e.path));
    created_.erase(e.path);
  }
}

void FanotifyMapper::Exec(const FanEvent& e, std::vector<Event>& out) {
  auto interp = interp_.find(e.pid);
  if (interp != interp_.end() && interp->second == e.path) {
    interp_.erase(interp);  // the dynamic loader of the program just exec'd
    return;
  }
  out.push_back(Base(EventType::kExec, e.pid, e.time_ns, e.path));
  std::string next = interp_of_ ? interp_of_(e.path) : std::string();
  if (next.empty()) interp_.erase(e.pid);
  else interp_[e.pid] = next;
}

void FanotifyMapper::OpenOrModify(const FanEvent& e) {
  auto [it, fresh] = pending_.try_emplace(e.path);
  PendingOpen& p = it->second;
  if (fresh) {
    p.pid = e.pid;
    p.time_ns = e.time_ns;
    if (auto c = created_.find(e.path); c != created_.end()) {
      p.created = true;
      created_.erase(c);
    }
  }
  if (e.mask & FAN_ACCESS) p.accessed = true;
  if (e.mask & FAN_MODIFY) p.modified = true;
}

void FanotifyMapper::Close(const FanEvent& e, bool wrote, std::vector<Event>& out) {
  auto it = pending_.find(e.path);
  if (it == pending_.end()) {
    // No open seen: an executable's or a mapped library's final close
    // (which may come from another process than its open), or a file
    // the tree inherited open. Only one opened for writing matters.
    if (!wrote) return;
    PendingOpen p;
    p.pid = e.pid;
    p.time_ns = e.time_ns;
    Emit(e.path, p, Access::kWrite, e.time_ns, out);
    return;
  }
  // A read-only close while a write is pending belongs to another open of
  // the same file: the write's own close is still to come.
  if (!wrote && it->second.modified) return;
  Access access = !wrote ? Access::kRead : it->second.accessed ? Access::kReadWrite : Access::kWrite;
  Emit(e.path, it->second, access, e.time_ns, out);
  pending_.erase(it);
}

void FanotifyMapper::Emit(const std::string& path, const PendingOpen& p, Access access, uint64_t close_ns,
                          std::vector<Event>& out) {
  Event open = Base(EventType::kOpen, p.pid, p.time_ns, path);
  open.access = access;
  open.created = p.created;
  out.push_back(open);
  if (p.modified) out.push_back(Base(EventType::kModify, p.pid, p.time_ns, path));
  Event close = Base(EventType::kClose, p.pid, close_ns, path);
  close.written = p.modified;
  out.push_back(std::move(close));
}

void FanotifyMapper::Overflow(uint64_t time_ns, std::vector<Event>& out) {
  // fanotify says the queue overflowed, not by how much: at least one.
  ++lost_;
  Event e = Base(EventType::kLost, 0, time_ns, "");
  e.tid = 0;
  e.lost_count = 1;
  out.push_back(std::move(e));
}

void FanotifyMapper::Flush(uint64_t time_ns, std::vector<Event>& out) {
  for (const auto& [path, p] : pending_)
    Emit(path, p, p.modified ? (p.accessed ? Access::kReadWrite : Access::kWrite) : Access::kRead, time_ns, out);
  pending_.clear();
}

}  // namespace fantrace
