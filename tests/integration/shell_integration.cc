// Shell integration: a real interactive bash and zsh, driven through a
// pseudo-terminal with `eval "$(fantrace shell-init SHELL)"` in their rc
// file, type three commands (an external command writing a file, a builtin
// redirection, an external command reading a file) and exit; then each
// command must be in `fantrace history` and `query` with its files. As
// root (the in-process engine), as root under sudo (recording as the sudo
// user), and as an ordinary user through a fantraced the suite starts.
#include <grp.h>
#include <poll.h>
#include <pty.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <optional>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "provenance_harness.h"
#include "test_accounts.h"

namespace fantrace::itest {
namespace {

constexpr const char* kUser = "fantrace-test";
constexpr const char* kPrompt = "FT-READY> ";

// An interactive shell on a pty: type a line, wait for the next prompt.
class PtyShell {
 public:
  PtyShell(const std::vector<std::string>& argv, const std::vector<std::string>& env, const std::string& cwd,
           const std::optional<TestUser>& as) {
    pid_ = forkpty(&master_, nullptr, nullptr, nullptr);
    if (pid_ < 0) {
      ADD_FAILURE() << "forkpty: " << strerror(errno);
      return;
    }
    if (pid_ == 0) {
      if (as && (initgroups(as->name.c_str(), as->gid) != 0 || setgid(as->gid) != 0 || setuid(as->uid) != 0))
        _exit(126);
      if (chdir(cwd.c_str()) != 0) _exit(126);
      std::vector<char*> args, envp;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
      args.push_back(nullptr);
      envp.push_back(nullptr);
      execve(args[0], args.data(), envp.data());
      _exit(127);
    }
  }
  ~PtyShell() {
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (master_ >= 0) close(master_);
  }

  // Reads until the prompt has been printed `count` times in all.
  bool WaitForPrompts(size_t count, std::chrono::seconds timeout = std::chrono::seconds(60)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (Prompts() < count) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      if (!ReadSome(200)) return Prompts() >= count;
    }
    return true;
  }
  void Type(const std::string& line) {
    std::string text = line + "\n";
    ASSERT_EQ(write(master_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
  // Waits for the shell to exit; its $?.
  int Wait(std::chrono::seconds timeout = std::chrono::seconds(60)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      ReadSome(100);
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
    }
    return -1;
  }
  const std::string& output() const { return output_; }

 private:
  size_t Prompts() const {
    size_t n = 0;
    for (size_t at = output_.find(kPrompt); at != std::string::npos; at = output_.find(kPrompt, at + 1)) ++n;
    return n;
  }
  // False once the terminal is closed.
  bool ReadSome(int timeout_ms) {
    pollfd p{master_, POLLIN, 0};
    if (poll(&p, 1, timeout_ms) <= 0) return true;
    char buf[4096];
    ssize_t n = read(master_, buf, sizeof(buf));
    if (n <= 0) return false;
    output_.append(buf, static_cast<size_t>(n));
    return true;
  }

  pid_t pid_ = -1;
  int master_ = -1;
  bool reaped_ = false;
  std::string output_;
};

class ShellIntegration : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    EnsureTestUser(kUser);
    daemon_ = new TestDaemon;
    socket_ = daemon_->socket();
  }
  static void TearDownTestSuite() {
    delete daemon_;
    daemon_ = nullptr;
  }

  // Runs the three commands in an interactive `shell` (as `as`, or root;
  // a root shell that sudo started for `sudo_user` records into that
  // user's database, as that user) and checks the database they were
  // recorded in.
  // `central`: a PostgreSQL store named by FANTRACE_DB instead of the
  // default SQLite file.
  void RecordThreeCommands(const std::string& shell, const std::optional<TestUser>& as,
                           const std::optional<TestUser>& sudo_user = std::nullopt,
                           const std::optional<std::string>& central = std::nullopt) {
    TempDir home;
    if (as) {
      ASSERT_EQ(chown(home.path().c_str(), as->uid, as->gid), 0);
    }
    if (sudo_user) chmod(home.path().c_str(), 0755);  // the sudo user hashes what root's commands wrote
    const std::string work = home / "work";
    const std::string data = home / "data";
    for (const std::string& d : {work, data}) {
      std::filesystem::create_directory(d);
      if (as) {
        ASSERT_EQ(chown(d.c_str(), as->uid, as->gid), 0);
      }
    }
    if (sudo_user) {
      ASSERT_EQ(chown(data.c_str(), sudo_user->uid, sudo_user->gid), 0);
    }
    const std::string input = work + "/input.txt";
    WriteFile(input, "the input\n");
    const std::string shell_path = "/usr/bin/" + shell;
    std::string rc = std::string("PS1='") + kPrompt + "'\n" + "eval \"$('" + FANTRACE_BIN + "' shell-init " + shell +
                     ")\"\n";
    std::vector<std::string> argv;
    if (shell == "bash") {
      WriteFile(home / "rc", rc);
      argv = {shell_path, "--noprofile", "--rcfile", home / "rc", "-i"};
    } else {
      WriteFile(home / ".zshrc", rc);
      argv = {shell_path, "-i"};
    }
    std::vector<std::string> env = {"HOME=" + home.path(), "ZDOTDIR=" + home.path(), "TERM=dumb",
                                    "PATH=/usr/local/bin:/usr/bin:/bin", "XDG_DATA_HOME=" + data,
                                    "TMPDIR=" + home.path(), "HISTFILE=" + (home / "history")};
    if (as) env.push_back("FANTRACE_SOCKET=" + socket_);
    if (central) env.push_back("FANTRACE_DB=" + *central);
    if (sudo_user)
      env.insert(env.end(), {"SUDO_UID=" + std::to_string(sudo_user->uid), "SUDO_GID=" + std::to_string(sudo_user->gid),
                             "SUDO_USER=" + sudo_user->name});

    PtyShell sh(argv, env, work, as);
    ASSERT_TRUE(sh.WaitForPrompts(1)) << "no prompt from " << shell << ":\n" << sh.output();
    ASSERT_EQ(sh.output().find("shell integration is off"), std::string::npos) << sh.output();
    const std::vector<std::string> lines = {"cp input.txt copy.txt", "echo x > f", "cat f"};
    for (size_t i = 0; i < lines.size(); ++i) {
      sh.Type(lines[i]);
      ASSERT_TRUE(sh.WaitForPrompts(i + 2)) << "no prompt after '" << lines[i] << "':\n" << sh.output();
    }
    sh.Type("exit");
    ASSERT_EQ(sh.Wait(), 0) << sh.output();

    // The recorder stores the commands and ends once the shell has exited.
    const std::string db = central.value_or(data + "/fantrace/provenance.db");
    Json history;
    for (int i = 0; i < 150; ++i) {
      ProcessResult r = Fantrace(work, {"history", "--db", db, "--json"});
      if (r.status == 0) history = ParseJson(r);
      if (history.is_array() && history.size() >= lines.size()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(history.is_array()) << sh.output();
    ASSERT_EQ(history.size(), lines.size()) << history.dump(2) << "\n" << sh.output();
    if (sudo_user) {
      EXPECT_EQ(Stat(db).st_uid, sudo_user->uid) << "made by the sudo user";
    }
    std::vector<int64_t> ids;
    for (size_t i = 0; i < lines.size(); ++i) {
      const Json& c = history[i];
      EXPECT_EQ(c["argv"], Json(std::vector<std::string>{shell, "-c", lines[i]})) << c.dump(2);
      EXPECT_EQ(c["cwd"], work);
      EXPECT_EQ(c["exit_status"], 0);
      if (as || sudo_user) {
        EXPECT_EQ(c["uid"], (sudo_user ? sudo_user : as)->uid);
      }
      ids.push_back(c["id"].get<int64_t>());
    }

    // Each command's files, and only its own.
    auto files = [&](int64_t id) {
      std::set<std::pair<std::string, std::string>> out;
      Json shown = ParseJson(Fantrace(work, {"show", "--db", db, "--json", std::to_string(id)}));
      for (const Json& f : shown.value("files", Json::array()))
        if (IsUnder(f.value("path", ""), home.path())) out.emplace(f.value("role", ""), f.value("path", ""));
      return out;
    };
    using Set = std::set<std::pair<std::string, std::string>>;
    EXPECT_EQ(files(ids[0]), (Set{{"read", input}, {"written", work + "/copy.txt"}}));
    EXPECT_EQ(files(ids[1]), (Set{{"written", work + "/f"}}));
    EXPECT_EQ(files(ids[2]), (Set{{"read", work + "/f"}}));

    auto query = [&](const char* option, const std::string& path) {
      std::vector<int64_t> found;
      Json r = ParseJson(Fantrace(work, {"query", "--db", db, "--json", option, path}));
      if (r.is_array())
        for (const Json& c : r) {
          found.push_back(c.value("id", int64_t{-1}));
          // Hashed when stored (under sudo: by the sudo user), so found by content.
          EXPECT_EQ(c["matches"][0]["match"], "content") << c.dump(2);
        }
      return found;
    };
    EXPECT_EQ(query("--wfile", work + "/copy.txt"), (std::vector<int64_t>{ids[0]}));
    EXPECT_EQ(query("--rfile", input), (std::vector<int64_t>{ids[0]}));
    EXPECT_EQ(query("--wfile", work + "/f"), (std::vector<int64_t>{ids[1]}));
    EXPECT_EQ(query("--rfile", work + "/f"), (std::vector<int64_t>{ids[2]}));
  }

  static inline std::string socket_;
  static inline TestDaemon* daemon_ = nullptr;
};

// FANTRACE_SHELL=off before the eval keeps it off; `shell-init --disable`
// turns it off mid-session: later commands are not recorded.
TEST_P(ShellIntegration, TurnsOffWithTheVariableOrDisable) {
  FANTRACE_REQUIRE_ROOT();
  const std::string shell = GetParam();
  for (bool variable : {true, false}) {
    TempDir home;
    const std::string db = home / "data/fantrace/provenance.db";
    std::string rc = std::string("PS1='") + kPrompt + "'\n" + (variable ? "FANTRACE_SHELL=off\n" : "") +
                     "eval \"$('" + FANTRACE_BIN + "' shell-init " + shell + ")\"\n";
    WriteFile(home / (shell == "bash" ? "rc" : ".zshrc"), rc);
    std::vector<std::string> argv = {"/usr/bin/" + shell, "-i"};
    if (shell == "bash") argv = {"/usr/bin/bash", "--noprofile", "--rcfile", home / "rc", "-i"};
    PtyShell sh(argv,
                {"HOME=" + home.path(), "ZDOTDIR=" + home.path(), "TERM=dumb", "PATH=/usr/bin:/bin",
                 "XDG_DATA_HOME=" + (home / "data"), "TMPDIR=" + home.path(), "HISTFILE=" + (home / "history")},
                home.path(), std::nullopt);
    ASSERT_TRUE(sh.WaitForPrompts(1)) << sh.output();
    const std::vector<std::string> lines = {"echo a > a", std::string("eval \"$('") + FANTRACE_BIN + "' shell-init --disable)\"",
                                            "echo b > b"};
    for (size_t i = 0; i < lines.size(); ++i) {
      sh.Type(lines[i]);
      ASSERT_TRUE(sh.WaitForPrompts(i + 2)) << sh.output();
    }
    sh.Type("exit");
    ASSERT_EQ(sh.Wait(), 0) << sh.output();
    if (variable) {
      EXPECT_FALSE(std::filesystem::exists(db)) << "FANTRACE_SHELL=off still recorded";
      continue;
    }
    Json history;
    for (int i = 0; i < 150; ++i) {
      ProcessResult r = Fantrace(home.path(), {"history", "--db", db, "--json"});
      if (r.status == 0) history = ParseJson(r);
      if (history.is_array() && !history.empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    // The recorder ends with the disable; give a late store the chance to show up.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    history = ParseJson(Fantrace(home.path(), {"history", "--db", db, "--json"}));
    ASSERT_TRUE(history.is_array()) << sh.output();
    ASSERT_EQ(history.size(), 1u) << history.dump(2);
    EXPECT_EQ(history[0]["argv"], Json(std::vector<std::string>{shell, "-c", "echo a > a"}));
  }
}

TEST_P(ShellIntegration, RecordsEveryCommandAsRoot) {
  FANTRACE_REQUIRE_ROOT();
  RecordThreeCommands(GetParam(), std::nullopt);
}

TEST_P(ShellIntegration, RecordsEveryCommandIntoACentralStoreNamedByFantraceDb) {
  FANTRACE_REQUIRE_ROOT();
  PgServer* server = PgServer::Shared();
  ASSERT_NE(server, nullptr);
  RecordThreeCommands(GetParam(), std::nullopt, std::nullopt, server->NewDatabase());
}

TEST_P(ShellIntegration, RecordsEveryCommandOfARootShellUnderSudoAsTheSudoUser) {
  FANTRACE_REQUIRE_ROOT();
  TestUser user = EnsureTestUser(kUser);
  ASSERT_NE(user.uid, 0u) << "no test user " << kUser;
  RecordThreeCommands(GetParam(), std::nullopt, user);
}

TEST_P(ShellIntegration, RecordsEveryCommandAsAnOrdinaryUserThroughFantraced) {
  FANTRACE_REQUIRE_ROOT();
  ASSERT_TRUE(SocketAnswers(socket_)) << "fantraced is not serving on " << socket_;
  TestUser user = EnsureTestUser(kUser);
  ASSERT_NE(user.uid, 0u) << "no test user " << kUser;
  RecordThreeCommands(GetParam(), user);
}

INSTANTIATE_TEST_SUITE_P(Shells, ShellIntegration, ::testing::Values("bash", "zsh"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace fantrace::itest
