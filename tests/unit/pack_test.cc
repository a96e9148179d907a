// The pack library without root or kernel: byte-exact JSON, the manifest's
// round trip, reading a jsonl trace, the file set's symlink walk on a
// scratch tree, dpkg's database, PT_INTERP, environment exclusion.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "pack/dpkg_db.h"
#include "lib/elf_interp.h"
#include "pack/file_set.h"
#include "pack/json_bytes.h"
#include "pack/manifest.h"
#include "pack/packer.h"
#include "pack/replay_check.h"
#include "pack/trace_file.h"

namespace fantrace::pack {
namespace {

namespace fs = std::filesystem;

struct Scratch {
  fs::path dir;
  Scratch() {
    std::string t = (fs::temp_directory_path() / "pack-unit-XXXXXX").string();
    dir = fs::canonical(mkdtemp(t.data()));
  }
  ~Scratch() { fs::remove_all(dir); }
  std::string Write(const std::string& rel, const std::string& text) const {
    fs::create_directories((dir / rel).parent_path());
    std::ofstream(dir / rel) << text;
    return (dir / rel).string();
  }
};

TEST(PackJson, BytesThatAreNotUtf8ComeBackExactly) {
  std::string path = std::string("/tmp/bad\xff") + "n\xc3\xa9" + "\x80";
  Json j = {{"path", JsonSafe(path)}, {"env", {{JsonSafe("K\xfe"), JsonSafe("v\x81")}}}};
  std::string text = DumpJsonBytes(j);
  EXPECT_NE(text.find("bad\\udcffn\\u00e9\\udc80"), std::string::npos) << text;
  Result<Json> back = ParseJsonBytes(text);
  ASSERT_TRUE(back);
  EXPECT_EQ((*back)["path"].get<std::string>(), path);
  EXPECT_EQ((*back)["env"]["K\xfe"].get<std::string>(), "v\x81");
}

TEST(PackManifest, RoundTrips) {
  Manifest m;
  m.argv = {"sh", "-c", "echo \xff > out"};
  m.cwd = "/w";
  m.uid = 1000;
  m.env = {{"PATH", "/usr/bin"}};
  m.env_excluded = {"GITHUB_TOKEN"};
  FileEntry f;
  f.path = "/usr/bin/dash";
  f.type = "file";
  f.role = Role::kExecutable;
  f.size = 12;
  f.mode = 0755;
  f.hash = std::string(32, 'a');
  f.package = PackageRef{"dash", "0.5.12-2", "amd64"};
  f.included = false;
  f.changed = "size 1 then, 2 now";
  m.files.push_back(f);
  m.outputs.push_back({"/w/out", 3, 0644, std::string(32, 'b')});
  m.absent = {"/usr/local/bin/sh"};
  Result<Manifest> back = ManifestFromJson(ManifestToJson(m));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->argv, m.argv);
  EXPECT_EQ(back->env, m.env);
  ASSERT_EQ(back->files.size(), 1u);
  EXPECT_EQ(back->files[0].role, Role::kExecutable);
  EXPECT_EQ(back->files[0].package->version, "0.5.12-2");
  EXPECT_FALSE(back->files[0].included);
  EXPECT_EQ(back->files[0].changed, f.changed);
  EXPECT_EQ(back->outputs[0].hash, m.outputs[0].hash);
  EXPECT_EQ(back->absent, m.absent);
  EXPECT_FALSE(ManifestFromJson(R"({"format":"fantrace-pack","version":99})"));
  EXPECT_FALSE(ManifestFromJson("[]"));
}

TEST(PackTrace, ReadsExecsFilesLookupsAndRefusesATraceWithoutSummary) {
  std::string text =
      R"({"type":"exec","time":1,"pid":1,"tid":1,"path":"/usr/bin/dash","argv":["sh","-c","x"]})" "\n"
      R"({"type":"open","time":2,"pid":1,"tid":1,"path":"/w/in","access":"read","created":false,"truncated":false,"dev":5,"ino":7})" "\n"
      R"({"type":"close","time":3,"pid":1,"tid":1,"path":"/w/in","written":false,"size":4,"mtime":99})" "\n"
      R"({"type":"stat","time":3,"pid":1,"tid":1,"path":"/etc/x"})" "\n"
      R"({"type":"missing","time":3,"pid":1,"tid":1,"path":"/usr/local/bin/sh"})" "\n"
      R"({"type":"mkdir","time":3,"pid":1,"tid":1,"path":"/w/out"})" "\n"
      R"({"type":"some_future_type","time":3,"pid":1,"tid":1})" "\n";
  EXPECT_FALSE(ParseTrace(text));
  text += R"({"type":"summary","exit_code":3,"lost":0,"processes":1,"read":["/w/in"],"written":["/w/out/r"],"deleted":[],"executed":["/usr/bin/dash"]})" "\n";
  Result<TraceFile> t = ParseTrace(text);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->argv, (std::vector<std::string>{"sh", "-c", "x"}));
  EXPECT_EQ(t->exit_code, 3);
  EXPECT_EQ(t->seen["/w/in"].ino, 7u);
  EXPECT_EQ(*t->seen["/w/in"].size, 4u);
  EXPECT_TRUE(t->probed.count("/etc/x"));
  EXPECT_TRUE(t->missing.count("/usr/local/bin/sh"));
  EXPECT_TRUE(t->made_dirs.count("/w/out"));
}

TEST(PackFileSet, KeepsEverySymlinkOnTheWayAndTheDirectoriesAbove) {
  Scratch s;
  std::string real = s.Write("data/v1/table.csv", "x\n");
  fs::create_directory_symlink("data/v1", s.dir / "current");
  fs::create_symlink("table.csv", s.dir / "data/v1/latest.csv");
  FileSet set;
  std::string got = set.Add((s.dir / "current/latest.csv").string(), Role::kInput);
  EXPECT_EQ(got, real);
  const auto& e = set.entries();
  EXPECT_EQ(e.at(real), Role::kInput);
  EXPECT_EQ(e.at((s.dir / "current").string()), Role::kPath);
  EXPECT_EQ(e.at((s.dir / "data/v1/latest.csv").string()), Role::kPath);
  EXPECT_EQ(e.at((s.dir / "data").string()), Role::kPath);
  EXPECT_EQ(set.Add((s.dir / "nothing").string(), Role::kInput), "");
  EXPECT_EQ(set.Add("/proc/self/status", Role::kInput), "");
  // A sibling symlink that points at a bundled file is kept.
  fs::create_symlink("table.csv", s.dir / "data/v1/alias.csv");
  fs::create_symlink("elsewhere", s.dir / "data/v1/dangling");
  set.AddSiblingSymlinks((s.dir / "data/v1").string());
  EXPECT_TRUE(e.count((s.dir / "data/v1/alias.csv").string()));
  EXPECT_FALSE(e.count((s.dir / "data/v1/dangling").string()));
}

TEST(PackFileSet, FromTraceAddsTheLoaderAndKeepsOutputsOut) {
  Scratch s;
  std::string in = s.Write("in.txt", "1\n");
  TraceFile t;
  t.executed = {"/bin/sh"};
  t.read = {in};
  t.written = {(s.dir / "made/out.txt").string()};
  t.made_dirs = {(s.dir / "made").string()};
  FileSet set = FileSet::FromTrace(t, s.dir.string());
  const auto& e = set.entries();
  std::optional<std::string> interp = ElfInterpreter(fs::canonical("/bin/sh").string());
  ASSERT_TRUE(interp);
  EXPECT_EQ(e.at(fs::canonical(*interp).string()), Role::kLibrary);
  EXPECT_EQ(e.at(in), Role::kInput);
  EXPECT_FALSE(e.count((s.dir / "made").string())) << "a directory the command made itself";
  EXPECT_TRUE(e.count("/bin")) << "the symlink /bin (merged /usr) or the directory";
}

TEST(PackElf, InterpreterOfDynamicProgramsOnly) {
  EXPECT_EQ(ElfInterpreter("/etc/passwd"), std::nullopt);
  std::optional<std::string> interp = ElfInterpreter(fs::canonical("/bin/sh").string());
  ASSERT_TRUE(interp);
  EXPECT_TRUE(interp->find("ld-linux") != std::string::npos) << *interp;
}

TEST(PackDpkg, ReadsListsAndStatusAndMergedUsrAliases) {
  Scratch s;
  s.Write("admin/status",
          "Package: tool\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.2-3\n\n"
          "Package: gone\nStatus: deinstall ok config-files\nVersion: 9\n\n");
  s.Write("admin/info/tool:amd64.list", "/.\n/bin\n/bin/tool\n/usr/share/doc/tool\n");
  fs::create_directories(s.dir / "root/usr/bin");
  fs::create_directory_symlink("usr/bin", s.dir / "root/bin");
  Result<DpkgDatabase> db = DpkgDatabase::Load((s.dir / "admin").string(), (s.dir / "root").string());
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Owner("/usr/bin/tool"));
  EXPECT_EQ(db->Owner("/usr/bin/tool")->name, "tool");
  EXPECT_EQ(db->Owner("/bin/tool")->version, "1.2-3");
  EXPECT_FALSE(db->Owner("/usr/bin/other"));
}

TEST(PackEnv, DefaultPatternsCatchSecrets) {
  EXPECT_TRUE(EnvExcluded("GITHUB_TOKEN", kDefaultEnvExclude));
  EXPECT_TRUE(EnvExcluded("aws_secret_access_key", kDefaultEnvExclude));
  EXPECT_TRUE(EnvExcluded("DB_PASSWORD", kDefaultEnvExclude));
  EXPECT_FALSE(EnvExcluded("PATH", kDefaultEnvExclude));
  EXPECT_FALSE(EnvExcluded("LANG", kDefaultEnvExclude));
}

TEST(PackReplay, OutputNamesAndFindings) {
  EXPECT_EQ(OutputName("/w/sub/r.csv", "/w"), "sub/r.csv");
  EXPECT_EQ(OutputName("/tmp/x", "/w"), "tmp/x");
  Manifest m;
  FileEntry dash;
  dash.path = "/usr/bin/dash";
  dash.type = "file";
  m.files.push_back(dash);
  m.absent = {"/usr/local/bin/sh"};
  TraceFile t;
  t.executed = {"/usr/bin/dash"};
  t.read = {"/etc/hidden", "/proc/self/maps"};
  t.missing = {"/usr/local/bin/sh", "/etc/needed"};
  t.written = {"/w/new", "/w/gone"};
  Scratch root;
  root.Write("w/new", "made by the replay\n");
  ReplayFindings f = CheckReplay(m, t, root.dir.string(), false);
  EXPECT_EQ(f.outside, (std::vector<std::string>{"/etc/hidden"}));
  EXPECT_EQ(f.missing, (std::vector<std::string>{"/etc/needed"}));
  EXPECT_EQ(f.new_outputs, (std::vector<std::string>{"/w/new"}));
}

}  // namespace
}  // namespace fantrace::pack
