#include "cli/store_commands.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "cli/as_user.h"
#include "cli/database_target.h"
#include "cli/exit_status.h"
#include "cli/store_output.h"
#include "store/content_hash.h"
#include "store/lineage.h"
#include "store/lineage_render.h"
#include "store/queries.h"
#include "store/open_store.h"
#include "store/time_text.h"

namespace fantrace::cli {
namespace {

constexpr int kExitNothing = 1;

int Fail(const std::string& message, int status = kExitUsage) {
  fmt::print(stderr, "fantrace: {}\n", message);
  return status;
}

// Absolute and canonical as far as the path exists, so it compares with
// the kernel's paths.
std::string CanonicalPath(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::weakly_canonical(std::filesystem::absolute(path, ec), ec);
  return ec ? path : p.string();
}

int64_t NowNs() {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

Status WriteWhole(const std::string& path, const std::string& bytes, mode_t mode) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return MakeError(fmt::format("cannot create {}: {}", path, strerror(errno)));
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      return MakeError(fmt::format("cannot write {}: {}", path, strerror(err)));
    }
    done += static_cast<size_t>(n);
  }
  if (close(fd) != 0) return MakeError(fmt::format("cannot write {}: {}", path, strerror(errno)));
  return Ok{};
}

int Restore(store::Connection& db, const StoreOptions& s) {
  std::string hash, name;
  if (store::IsHash(*s.restore)) {
    hash = *s.restore;
    name = hash;
  } else {
    std::string path = CanonicalPath(*s.restore);
    Result<std::optional<std::string>> found = store::CapturedHashOfPath(db, path);
    if (!found) return Fail(found.error().message);
    if (!*found) return Fail(fmt::format("no kept content of {} in {}", path, db.path()), kExitNothing);
    hash = **found;
    name = std::filesystem::path(path).filename().string();
  }
  Result<std::optional<std::string>> content = store::LoadBlob(db, hash);
  if (!content) return Fail(content.error().message);
  if (!*content) return Fail(fmt::format("no kept content with hash {} in {}", hash, db.path()), kExitNothing);
  std::error_code ec;
  std::filesystem::create_directories(s.restore_dir, ec);
  if (ec) return Fail(fmt::format("cannot create the directory {}: {}", s.restore_dir, ec.message()));
  std::string target = (std::filesystem::path(s.restore_dir) / name).string();
  if (Status st = WriteWhole(target, **content, 0644); !st) return Fail(st.error().message);
  fmt::print("{}\n", target);
  fmt::print(stderr, "fantrace: restored {} bytes with hash {} to {}\n", (*content)->size(), hash, target);
  return 0;
}

// A file asked about that exists but cannot be read matches by path only:
// say so, or a path match would pass for a content match.
void WarnUnreadable(const std::string& unreadable) {
  if (!unreadable.empty())
    fmt::print(stderr,
               "fantrace: warning: {}; its content cannot be compared with what the recorded commands "
               "saw, so it is matched by path only\n",
               unreadable);
}

// Command id -> the matches of one file question.
using MatchesById = std::map<int64_t, std::vector<store::FileMatch>>;

Result<MatchesById> MatchFile(store::Connection& db, store::FileRole role, const std::string& file) {
  std::string unreadable;
  Result<std::vector<store::FileMatch>> found = store::FindFileMatches(db, role, CanonicalPath(file), &unreadable);
  if (!found) return found.error();
  WarnUnreadable(unreadable);
  MatchesById by_id;
  for (store::FileMatch& m : *found) by_id[m.command_id].push_back(std::move(m));
  return by_id;
}

int Query(store::Connection& db, const StoreOptions& s) {
  if (s.restore) return Restore(db, s);
  store::CommandFilter filter;
  filter.command = s.command;
  filter.host = s.host;
  if (s.cwd) filter.cwd = CanonicalPath(*s.cwd);
  filter.exit_status = s.exit_status;
  for (auto [text, target] : {std::pair{&s.since, &filter.since_ns}, std::pair{&s.until, &filter.until_ns}}) {
    if (!*text) continue;
    Result<int64_t> t = store::ParseTimeSpec(**text, NowNs());
    if (!t) return Fail(t.error().message);
    *target = *t;
  }
  // wfile and rfile narrow the commands to those with a matching file row.
  std::optional<MatchesById> matches;
  for (auto [file, role] : {std::pair{&s.wfile, store::FileRole::kWritten}, std::pair{&s.rfile, store::FileRole::kRead}}) {
    if (!*file) continue;
    Result<MatchesById> found = MatchFile(db, role, **file);
    if (!found) return Fail(found.error().message);
    if (!matches) {
      matches = std::move(*found);
    } else {
      MatchesById both;
      for (auto& [id, list] : *matches)
        if (auto other = found->find(id); other != found->end()) {
          both[id] = list;
          both[id].insert(both[id].end(), other->second.begin(), other->second.end());
        }
      matches = std::move(both);
    }
  }
  if (matches) {
    filter.ids.emplace();
    for (const auto& entry : *matches) filter.ids->insert(entry.first);
  }
  Result<std::vector<store::CommandRecord>> commands =
      filter.ids && filter.ids->empty() ? std::vector<store::CommandRecord>{} : store::FindCommands(db, filter);
  if (!commands) return Fail(commands.error().message);
  std::vector<std::vector<store::FileMatch>> per_command;
  if (matches) {
    // As FindFileMatches orders them: content at the same path, content
    // elsewhere, then path only; newest first within each.
    auto rank = [&](int64_t id) {
      const store::FileMatch& m = (*matches)[id].front();
      return m.kind == store::MatchKind::kPath ? 2 : m.same_path ? 0 : 1;
    };
    std::stable_sort(commands->begin(), commands->end(),
                     [&](const auto& a, const auto& b) { return rank(a.id) < rank(b.id); });
    for (const store::CommandRecord& c : *commands) per_command.push_back((*matches)[c.id]);
  }
  if (s.json) {
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < commands->size(); ++i) {
      nlohmann::json j = CommandJson((*commands)[i]);
      if (matches) {
        j["matches"] = nlohmann::json::array();
        for (const store::FileMatch& m : per_command[i]) j["matches"].push_back(MatchJson(m));
      }
      out.push_back(std::move(j));
    }
    PrintJson(stdout, out);
  } else if (!commands->empty()) {
    fmt::print("{}", QueryTable(*commands, per_command));
  }
  if (commands->empty()) {
    if (!s.json) fmt::print(stderr, "fantrace: no recorded command matches\n");
    return kExitNothing;
  }
  return 0;
}

int History(store::Connection& db, const StoreOptions& s) {
  store::CommandFilter filter;
  filter.limit = s.limit;
  Result<std::vector<store::CommandRecord>> commands = store::FindCommands(db, filter);
  if (!commands) return Fail(commands.error().message);
  std::reverse(commands->begin(), commands->end());  // oldest first, the newest last
  if (s.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const store::CommandRecord& c : *commands) out.push_back(CommandJson(c));
    PrintJson(stdout, out);
  } else {
    fmt::print("{}", HistoryTable(*commands));
  }
  return 0;
}

int Show(store::Connection& db, const StoreOptions& s) {
  Result<std::optional<store::CommandRecord>> c = store::LoadCommand(db, s.id);
  if (!c) return Fail(c.error().message);
  if (!*c) return Fail(fmt::format("no command #{} in {}", s.id, db.path()), kExitNothing);
  if (s.json) {
    nlohmann::json j = CommandJson(**c);
    if (!j.contains("files")) j["files"] = nlohmann::json::array();
    PrintJson(stdout, j);
  } else {
    fmt::print("{}", ShowText(**c));
  }
  return 0;
}

int Lineage(store::Connection& db, const StoreOptions& s) {
  std::string path = CanonicalPath(s.file);
  store::LineageOptions options;
  options.depth = s.depth;
  options.all_inputs = s.all_inputs;
  std::string unreadable;
  Result<store::LineageFile> root = store::BuildLineage(db, path, options, &unreadable);
  if (!root) return Fail(root.error().message);
  WarnUnreadable(unreadable);
  std::string text;
  if (s.format == "dot") text = store::RenderLineageDot(*root);
  else if (s.format == "html") text = store::RenderLineageHtml(*root);
  else if (s.format == "json")
    text = store::LineageGraph(*root).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  else text = store::RenderLineageText(*root);
  if (s.output.empty()) {
    fmt::print("{}", text);
  } else if (Status st = WriteWhole(s.output, text, 0644); !st) {
    return Fail(st.error().message);
  }
  if (!root->writer && !root->depth_limit) {
    fmt::print(stderr, "fantrace: no recorded command wrote {}\n", path);
    return kExitNothing;
  }
  return 0;
}

}  // namespace

int RunStoreCommand(const Options& o) {
  Result<DatabaseTarget> target = LocateDatabase(o.store);
  if (!target) return Fail(target.error().message);
  // Under sudo the whole command is the user's: root has nothing to add to
  // reading their database, and as root it would open whatever their path
  // leads to, hash files they cannot read (--wfile) and write --restore's
  // and lineage's -o files through their symlinks.
  if (target->as_user) {
    if (Status st = BecomeUser(*target->as_user); !st) return Fail(st.error().message);
  }
  const std::string& path = target->path;
  if (!target->postgres && access(path.c_str(), F_OK) != 0 && errno == ENOENT)
    return Fail(fmt::format("there is no provenance database at {}; record a command first "
                            "(fantrace record -- COMMAND) or give --db PATH",
                            path));
  Result<std::unique_ptr<store::Connection>> db = store::OpenAnyStore(path, false);
  if (!db) return Fail(db.error().message);
  switch (o.mode) {
    case Mode::kQuery: return Query(**db, o.store);
    case Mode::kHistory: return History(**db, o.store);
    case Mode::kShow: return Show(**db, o.store);
    case Mode::kLineage: return Lineage(**db, o.store);
    default: return Fail("internal error: not a database command");
  }
}

}  // namespace fantrace::cli
