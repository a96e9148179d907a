// The provenance database under sudo, as root with SUDO_UID/SUDO_GID/
// SUDO_USER set as sudo sets them: the database belongs to the invoking
// user, and everything fantrace does on their paths — creating and opening
// the database, hashing and keeping the traced files, writing --restore's
// files — is done with that user's credentials, so a symlink the user (or
// the traced command) planted leads root nowhere the user could not go.
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "harness.h"
#include "provenance_harness.h"
#include "test_accounts.h"

namespace fantrace::itest {
namespace {

constexpr const char* kUser = "fantrace-test";

// `fantrace ARGS...` in `cwd`, as sudo runs it for `user`, with
// XDG_DATA_HOME=`data_home`.
ProcessResult SudoFantrace(const TestUser& user, const std::string& cwd, const std::string& data_home,
                           const std::vector<std::string>& args) {
  std::vector<std::string> argv{"env",
                                "-C",
                                cwd,
                                "SUDO_UID=" + std::to_string(user.uid),
                                "SUDO_GID=" + std::to_string(user.gid),
                                "SUDO_USER=" + user.name,
                                "XDG_DATA_HOME=" + data_home,
                                FANTRACE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunUntraced(argv);
}

// Gives `path` (not what a symlink points to) to `user`.
void GiveTo(const std::string& path, const TestUser& user) {
  ASSERT_EQ(lchown(path.c_str(), user.uid, user.gid), 0) << path;
}

// What is in `dir`, for "nothing was created there".
std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename());
  return names;
}

// How many kept contents in the database at `db` hold `text`.
int64_t BlobsContaining(const std::string& db, const std::string& text) {
  sqlite3* handle = nullptr;
  int64_t count = -1;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK &&
      sqlite3_prepare_v2(handle, "SELECT count(*) FROM blobs WHERE instr(content, ?) > 0", -1, &st, nullptr) ==
          SQLITE_OK) {
    sqlite3_bind_blob(st, 1, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) count = sqlite3_column_int64(st, 0);
  }
  EXPECT_GE(count, 0) << "cannot read " << db << ": " << (handle ? sqlite3_errmsg(handle) : "?");
  sqlite3_finalize(st);
  sqlite3_close(handle);
  return count;
}

class ProvenanceSudo : public ::testing::Test {
 protected:
  void SetUp() override {
    FANTRACE_REQUIRE_ROOT();
    user_ = EnsureTestUser(kUser);
    ASSERT_NE(user_.uid, 0u) << "no test user " << kUser;
    // The user's data home, theirs and private, as ~/.local/share is.
    GiveTo(home_.path(), user_);
    chmod(home_.path().c_str(), 0700);
    // A directory of root's that the user may look into but not write.
    chmod(roots_.path().c_str(), 0755);
  }

  TestUser user_;
  TempDir home_;
  TempDir roots_;
};

TEST_F(ProvenanceSudo, DefaultDatabaseBelongsToTheSudoUser) {
  ProcessResult r = SudoFantrace(user_, "/", home_.path(), {"record", "--", "true"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string dir = home_ / "fantrace", db = home_ / "fantrace/provenance.db";
  struct stat d = Stat(dir), f = Stat(db);
  EXPECT_EQ(d.st_uid, user_.uid);
  EXPECT_EQ(d.st_mode & 0777, 0700u);
  EXPECT_EQ(f.st_uid, user_.uid);
  EXPECT_EQ(f.st_gid, user_.gid);
  EXPECT_EQ(f.st_mode & 0777, 0600u);
  for (const char* suffix : {"-wal", "-shm"}) {
    struct stat st;
    if (stat((db + suffix).c_str(), &st) != 0) continue;
    EXPECT_EQ(st.st_uid, user_.uid) << suffix;
    EXPECT_EQ(st.st_mode & 0077, 0u) << suffix;
  }
  ProcessResult history = SudoFantrace(user_, "/", home_.path(), {"history", "--json"});
  Json h = ParseJson(history);
  ASSERT_EQ(h.size(), 1u) << history.err;
  EXPECT_EQ(h[0]["user"], user_.name);
  EXPECT_EQ(h[0]["uid"], user_.uid);

  // doctor looks at it as the user: fine, until it is root's.
  ProcessResult doctor = SudoFantrace(user_, "/", home_.path(), {"doctor"});
  EXPECT_NE(doctor.out.find("database: " + db + ": ok: schema version"), std::string::npos) << doctor.out;
  ASSERT_EQ(chown(db.c_str(), 0, 0), 0);
  doctor = SudoFantrace(user_, "/", home_.path(), {"doctor"});
  EXPECT_NE(doctor.out.find("database: " + db + ": cannot be read and written by this user"), std::string::npos)
      << doctor.out;
}

// ~/.local/share/fantrace, or ~/.local/share itself, made a symlink into a
// directory of root's: root would create the database (or its directory)
// there and give it to the user; the user cannot, so fantrace stops before
// the command runs.
TEST_F(ProvenanceSudo, ADataDirectorySymlinkedIntoRootsIsRefused) {
  TempDir work;
  GiveTo(work.path(), user_);
  const std::string marker = work / "ran";
  ASSERT_EQ(symlink(roots_.path().c_str(), (home_ / "fantrace").c_str()), 0);
  ProcessResult r = SudoFantrace(user_, work.path(), home_.path(), {"record", "--", "touch", marker});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.err, "fantrace: cannot create the database " + (home_ / "fantrace/provenance.db") +
                       ": Permission denied\n");

  ASSERT_EQ(symlink(roots_.path().c_str(), (home_ / "share").c_str()), 0);
  r = SudoFantrace(user_, work.path(), home_ / "share", {"record", "--", "touch", marker});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.err, "fantrace: cannot create the directory " + (home_ / "share/fantrace") + ": Permission denied\n");

  EXPECT_EQ(Entries(roots_.path()), std::vector<std::string>{});
  EXPECT_NE(access(marker.c_str(), F_OK), 0) << "the command ran unrecorded";
}

// A dangling provenance.db symlink into a directory of root's: SQLite would
// create the database (and its -wal, -shm, -journal) there as root.
TEST_F(ProvenanceSudo, ADanglingDatabaseSymlinkIntoRootsIsRefused) {
  ASSERT_EQ(mkdir((home_ / "fantrace").c_str(), 0700), 0);
  GiveTo(home_ / "fantrace", user_);
  const std::string db = home_ / "fantrace/provenance.db";
  ASSERT_EQ(symlink((roots_ / "stolen.db").c_str(), db.c_str()), 0);
  ProcessResult r = SudoFantrace(user_, "/", home_.path(), {"record", "--", "true"});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.err, "fantrace: cannot create the database " + db + ": Permission denied\n");
  EXPECT_EQ(Entries(roots_.path()), std::vector<std::string>{});

  // The reading commands follow it as the user too: nothing to read, nothing created.
  r = SudoFantrace(user_, "/", home_.path(), {"history"});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(Entries(roots_.path()), std::vector<std::string>{});
}

// The traced command, as its last act, turns the names it read into
// symlinks to a file only root may read: its script in.sh itself, and the
// directory sub/ that held another. The files are hashed (and scripts
// kept) after the command ended, as the user: root's file is neither kept
// nor hashed. Under sudo, --restore writes as the user too.
TEST_F(ProvenanceSudo, FilesSwappedForSymlinksToRootsAreNeitherHashedNorKept) {
  TempDir work, secret_dir;
  const std::string secret = secret_dir / "in.sh";
  WriteFile(secret, "echo root-only-secret\n");
  chmod(secret.c_str(), 0600);
  ASSERT_EQ(mkdir((work / "sub").c_str(), 0755), 0);
  WriteFile(work / "in.sh", "echo mine\n");
  WriteFile(work / "sub/in.sh", "echo mine too\n");
  WriteFile(work / "kept.sh", "echo kept\n");
  for (const char* name : {"", "/sub", "/in.sh", "/sub/in.sh", "/kept.sh"}) GiveTo(work.path() + name, user_);
  const std::string swap = "cat in.sh sub/in.sh kept.sh > /dev/null; rm in.sh; ln -s " + secret +
                           " in.sh; mv sub sub.old; ln -s " + secret_dir.path() + " sub";
  const std::string db = home_ / "p.db";
  ProcessResult r = SudoFantrace(user_, work.path(), home_.path(), {"record", "--db", db, "--", "sh", "-c", swap});
  ASSERT_EQ(r.status, 0) << r.err;
  size_t at = r.err.find("recorded as command #");
  ASSERT_NE(at, std::string::npos) << r.err;
  const std::string id = std::to_string(std::stoll(r.err.substr(at + 21)));

  Json shown = ParseJson(Fantrace("/", {"show", "--db", db, "--json", id}));
  std::set<std::string> seen;
  for (const Json& f : shown["files"]) {
    const std::string path = f["path"];
    if (path == work / "kept.sh") {
      EXPECT_EQ(f["hash_state"], "verified") << f.dump();
      EXPECT_FALSE(f["captured"].is_null()) << "the user's own script is kept: " << f.dump();
    }
    if (path != work / "in.sh" && path != work / "sub/in.sh") continue;
    seen.insert(path);
    EXPECT_TRUE(f["hash"].is_null()) << f.dump();
    EXPECT_TRUE(f["captured"].is_null()) << f.dump();
    // The last component is never followed; the directory is, as the user.
    EXPECT_EQ(f["hash_state"], path == work / "in.sh" ? "none" : "unreadable") << f.dump();
  }
  EXPECT_EQ(seen, (std::set<std::string>{work / "in.sh", work / "sub/in.sh"})) << shown.dump(1);
  EXPECT_EQ(BlobsContaining(db, "root-only-secret"), 0);
  ProcessResult by_content = Fantrace("/", {"query", "--db", db, "--json", "--rfile", secret});
  EXPECT_EQ(by_content.status, 1) << "no hash of root's file was stored: " << by_content.out;

  // --restore under sudo writes as the user: not into a directory of root's.
  r = SudoFantrace(user_, work.path(), home_.path(),
                   {"query", "--db", db, "--restore", work / "kept.sh", "-o", roots_.path()});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.err, "fantrace: cannot create " + (roots_ / "kept.sh") + ": Permission denied\n");
  EXPECT_EQ(Entries(roots_.path()), std::vector<std::string>{});
  r = SudoFantrace(user_, work.path(), home_.path(),
                   {"query", "--db", db, "--restore", work / "kept.sh", "-o", work / "restored"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Stat(work / "restored/kept.sh").st_uid, user_.uid);
}

}  // namespace
}  // namespace fantrace::itest
