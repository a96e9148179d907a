#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "store/db_location.h"
#include "store_test_util.h"

namespace fantrace::store {
namespace {

using testing::ScratchDir;

// Sets an environment variable for the scope, restoring it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    if (value) setenv(name, value, 1);
    else unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(DbLocation, XdgDataHomeWhenAbsoluteElseHome) {
  DbOwner owner{1000, 1000, "alice", "/home/alice"};
  {
    ScopedEnv xdg("XDG_DATA_HOME", "/data/alice");
    EXPECT_EQ(DefaultDatabasePath(owner), "/data/alice/fantrace/provenance.db");
  }
  {
    ScopedEnv xdg("XDG_DATA_HOME", "relative/ignored");  // the spec says: ignore relative paths
    EXPECT_EQ(DefaultDatabasePath(owner), "/home/alice/.local/share/fantrace/provenance.db");
  }
  ScopedEnv xdg("XDG_DATA_HOME", nullptr);
  EXPECT_EQ(DefaultDatabasePath(owner), "/home/alice/.local/share/fantrace/provenance.db");
}

TEST(DbLocation, OurOwnHomeIsHomeAsXdgSays) {
  ScopedEnv sudo("SUDO_UID", nullptr);
  {
    ScopedEnv home("HOME", "/elsewhere/me");
    Result<DbOwner> me = InvokingUser();
    ASSERT_TRUE(me) << me.error().message;
    EXPECT_EQ(me->uid, getuid());
    EXPECT_EQ(me->home, "/elsewhere/me");
  }
  ScopedEnv home("HOME", "relative");  // not a home: the password database's
  Result<DbOwner> me = InvokingUser();
  ASSERT_TRUE(me) << me.error().message;
  EXPECT_NE(me->home, "relative");
}

TEST(DbLocation, CreatesPrivateDirectoriesAndFile) {
  ScratchDir dir;
  std::string path = dir / "a/b/provenance.db";
  ASSERT_TRUE(PrepareDatabaseFile(path));
  struct stat st;
  ASSERT_EQ(stat((dir / "a").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(stat((dir / "a/b").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(st.st_uid, getuid());

  chmod(path.c_str(), 0640);  // an existing database is left as it is
  ASSERT_TRUE(PrepareDatabaseFile(path));
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

TEST(DbLocation, ADanglingSymlinkGetsItsTargetCreated) {
  ScratchDir dir;
  std::string path = dir / "provenance.db";
  ASSERT_EQ(symlink((dir / "elsewhere.db").c_str(), path.c_str()), 0);
  ASSERT_TRUE(PrepareDatabaseFile(path));
  struct stat st;
  ASSERT_EQ(lstat((dir / "elsewhere.db").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(DbLocation, AFileWhereADirectoryShouldBeIsAnError) {
  ScratchDir dir;
  testing::Write(dir / "file", "x");
  Status st = PrepareDatabaseFile(dir / "file/provenance.db");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("not a directory"), std::string::npos) << st.error().message;
}

}  // namespace
}  // namespace fantrace::store
