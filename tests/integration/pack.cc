// fantrace pack / replay / unpack / info / export-image on real work, as
// root: a C program compiled with gcc, a Python script reading a CSV, a
// sort/awk/sed/gzip pipeline, a program that dlopen()s a library. Each is
// packed while traced, its outputs removed, and replayed in the bundle's
// own root: the outputs must come back byte for byte, the replay must use
// no file the bundle lacks, and a host file outside the bundle must be
// absent inside it.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>

#include "harness.h"

namespace fantrace::itest {
namespace {

// fantrace run in `dir` (pack records its cwd).
ProcessResult FantraceIn(const std::string& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"env", "-C", dir, FANTRACE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunUntraced(argv);
}

Json ReadJson(const std::string& path) {
  std::string text = ReadFile(path);
  Json j = Json::parse(text, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << path << ": " << text;
  return j;
}

struct Experiment {
  TempDir work;    // the command's directory and inputs
  TempDir store;   // bundle, report, copied outputs
  std::string bundle() const { return store / "exp.ftpack"; }
};

// Packs `script` (run by sh -c in e.work), keeps the outputs' bytes,
// removes them, replays with --verify and checks the findings; returns
// the original outputs.
std::map<std::string, std::string> PackReplayVerify(Experiment& e, const std::string& script,
                                                     const std::vector<std::string>& outputs) {
  WriteFile(e.work / "unread.txt", "a host file the command never reads\n");
  ProcessResult packed = FantraceIn(e.work.path(), {"pack", "-o", e.bundle(), "--", "sh", "-c", script});
  EXPECT_EQ(packed.status, 0) << packed.err;
  std::map<std::string, std::string> original;
  for (const std::string& name : outputs) {
    original[name] = ReadFile(e.work / name);
    EXPECT_FALSE(original[name].empty()) << name << " was not made: " << packed.err;
    unlink((e.work / name).c_str());
  }
  ProcessResult replay = RunUntraced({FANTRACE_BIN, "replay", e.bundle(), "--verify", "--output-dir", e.store / "out",
                                      "--report", e.store / "report.json"});
  EXPECT_EQ(replay.status, 0) << replay.err;
  Json report = ReadJson(e.store / "report.json");
  EXPECT_EQ(report["outside"], Json::array()) << "the replay used files outside the bundle: " << report.dump();
  EXPECT_EQ(report["missing"], Json::array()) << report.dump();
  EXPECT_EQ(report["differs"], Json::array()) << report.dump();
  for (const std::string& name : outputs) {
    EXPECT_EQ(ReadFile(e.store / ("out/" + name)), original[name]) << name << " is not byte-identical";
    struct stat st;
    EXPECT_NE(stat((e.work / name).c_str(), &st), 0) << "the replay wrote to the host: " << name;
  }
  // Inside the bundle's root: the inputs are there, a file of the same
  // directory that was never read is not, nor is a host program the
  // command did not run.
  ProcessResult probe = RunUntraced({FANTRACE_BIN, "replay", e.bundle(), "--report", e.store / "probe.json", "--", "sh",
                                     "-c", "test ! -e unread.txt && test ! -e /usr/bin/cmake && test ! -e " + e.store.path() +
                                     " && test -d " + e.work.path()});
  EXPECT_EQ(probe.status, 0) << "a host file outside the bundle is visible in the replay: " << probe.err;
  return original;
}

TEST(Pack, CompiledCProgramReplaysByteIdentical) {
  FANTRACE_REQUIRE_ROOT();
  Experiment e;
  WriteFile(e.work / "prog.c",
            "#include <stdio.h>\n#include <math.h>\n"
            "int main(void) { for (int i = 1; i <= 5; i++) printf(\"%d %.4f\\n\", i, sqrt((double)i)); return 0; }\n");
  PackReplayVerify(e, "gcc -O2 -o prog prog.c -lm && ./prog > out.txt", {"prog", "out.txt"});
}

TEST(Pack, PythonCsvScriptReplaysAndInputSwapChangesTheOutput) {
  FANTRACE_REQUIRE_ROOT();
  Experiment e;
  WriteFile(e.work / "data.csv", "name,value\na,1\nb,2\nc,3\n");
  WriteFile(e.work / "analyze.py",
            "import csv, statistics, sys\n"
            "rows = list(csv.DictReader(open(sys.argv[1], newline='')))\n"
            "values = [float(r['value']) for r in rows]\n"
            "with open(sys.argv[2], 'w', newline='') as f:\n"
            "    w = csv.writer(f)\n"
            "    w.writerow(['n', 'sum', 'mean'])\n"
            "    w.writerow([len(values), sum(values), statistics.mean(values)])\n");
  auto original = PackReplayVerify(e, "python3 analyze.py data.csv results.csv", {"results.csv"});
  EXPECT_EQ(original["results.csv"], "n,sum,mean\r\n3,6.0,2.0\r\n");

  WriteFile(e.store / "other.csv", "name,value\nx,10\ny,30\n");
  ProcessResult swapped = RunUntraced({FANTRACE_BIN, "replay", e.bundle(), "--input", "data.csv=" + (e.store / "other.csv"),
                                       "--output-dir", e.store / "swapped"});
  EXPECT_EQ(swapped.status, 0) << swapped.err;
  EXPECT_EQ(ReadFile(e.store / "swapped/results.csv"), "n,sum,mean\r\n2,40.0,20.0\r\n");
  ProcessResult unknown = RunUntraced({FANTRACE_BIN, "replay", e.bundle(), "--input", "/no/such=" + (e.store / "other.csv")});
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("the bundle has no such file"), std::string::npos) << unknown.err;
}

TEST(Pack, ShellPipelineReplaysByteIdentical) {
  FANTRACE_REQUIRE_ROOT();
  Experiment e;
  WriteFile(e.work / "words.txt", "pear 3\napple 1\nbanana 2\navocado 4\n");
  PackReplayVerify(e, "sort words.txt | awk '{print $2, $1}' | sed 's/a/A/g' | gzip -n -c > words.gz", {"words.gz"});
}

TEST(Pack, DlopenedLibraryIsBundled) {
  FANTRACE_REQUIRE_ROOT();
  Experiment e;
  WriteFile(e.work / "plug.c", "int plug_value(void) { return 42; }\n");
  WriteFile(e.work / "loader.c",
            "#include <dlfcn.h>\n#include <stdio.h>\n"
            "int main(int argc, char** argv) {\n"
            "  void* h = dlopen(argv[1], RTLD_NOW); if (!h) { fprintf(stderr, \"%s\\n\", dlerror()); return 1; }\n"
            "  int (*f)(void) = (int (*)(void))dlsym(h, \"plug_value\");\n"
            "  printf(\"plugin says %d\\n\", f()); return 0; }\n");
  ASSERT_EQ(RunUntraced({"gcc", "-shared", "-fPIC", "-o", e.work / "libplug.so", e.work / "plug.c"}).status, 0);
  ASSERT_EQ(RunUntraced({"gcc", "-o", e.work / "loader", e.work / "loader.c", "-ldl"}).status, 0);
  auto original = PackReplayVerify(e, "./loader ./libplug.so > out.txt", {"out.txt"});
  EXPECT_EQ(original["out.txt"], "plugin says 42\n");
  ProcessResult info = RunUntraced({FANTRACE_BIN, "info", "--json", e.bundle()});
  ASSERT_EQ(info.status, 0) << info.err;
  Json manifest = Json::parse(info.out);
  bool plugin = false;
  for (const Json& f : manifest["files"])
    if (f["path"] == e.work / "libplug.so") plugin = f["role"] == "library" && f["included"] == true;
  EXPECT_TRUE(plugin) << info.out;
}

TEST(Pack, VerifyReportsAnOutputThatDiffers) {
  FANTRACE_REQUIRE_ROOT();
  Experiment e;
  ProcessResult packed = FantraceIn(e.work.path(), {"pack", "-o", e.bundle(), "--", "sh", "-c", "date +%s%N > stamp.txt"});
  ASSERT_EQ(packed.status, 0) << packed.err;
  ProcessResult replay = RunUntraced({FANTRACE_BIN, "replay", e.bundle(), "--verify", "--report", e.store / "r.json"});
  EXPECT_EQ(replay.status, 1) << replay.err;
  EXPECT_NE(replay.err.find("output " + (e.work / "stamp.txt") + ": content differs"), std::string::npos) << replay.err;
  Json report = ReadJson(e.store / "r.json");
  ASSERT_EQ(report["differs"].size(), 1u) << report.dump();
  EXPECT_EQ(report["differs"][0]["path"], e.work / "stamp.txt");
}

TEST(Pack, FromATraceFlagsFilesChangedSince) {
  FANTRACE_REQUIRE_ROOT();
  Experiment e;
  WriteFile(e.work / "in.txt", "first\n");
  ProcessResult traced = FantraceIn(e.work.path(), {"run", "--format", "jsonl", "-o", e.store / "t.jsonl", "--", "sh",
                                                    "-c", "cat in.txt > out.txt"});
  ASSERT_EQ(traced.status, 0) << traced.err;
  WriteFile(e.work / "in.txt", "changed afterwards\n");
  ProcessResult packed = FantraceIn(e.work.path(), {"pack", "--from", e.store / "t.jsonl", "-o", e.bundle()});
  ASSERT_EQ(packed.status, 0) << packed.err;
  EXPECT_NE(packed.err.find(e.work / "in.txt" + " changed since the trace"), std::string::npos) << packed.err;
  Json manifest = Json::parse(RunUntraced({FANTRACE_BIN, "info", "--json", e.bundle()}).out);
  bool flagged = false;
  for (const Json& f : manifest["files"])
    if (f["path"] == e.work / "in.txt") flagged = f.contains("changed");
  EXPECT_TRUE(flagged) << manifest.dump();
  EXPECT_EQ(manifest["command"]["argv"], Json({"sh", "-c", "cat in.txt > out.txt"}));
  EXPECT_EQ(manifest["command"]["cwd"], e.work.path());
}

TEST(Pack, SecretsStayOutOfTheManifestAndInfoSumsRoles) {
  FANTRACE_REQUIRE_ROOT();
  Experiment e;
  ProcessResult packed = RunUntraced({"env", "-C", e.work.path(), "MY_API_TOKEN=hunter2", "PLAIN_SETTING=kept", "EXTRA=x",
                                      FANTRACE_BIN, "pack", "--env-exclude", "EXTRA", "--no-package-files", "-o",
                                      e.bundle(), "--", "sh", "-c", "cat /etc/os-release > os.txt"});
  ASSERT_EQ(packed.status, 0) << packed.err;
  Json manifest = Json::parse(RunUntraced({FANTRACE_BIN, "info", "--json", e.bundle()}).out);
  EXPECT_FALSE(manifest["command"]["env"].contains("MY_API_TOKEN"));
  EXPECT_FALSE(manifest["command"]["env"].contains("EXTRA"));
  EXPECT_EQ(manifest["command"]["env"]["PLAIN_SETTING"], "kept");
  bool dash_left_out = false;
  for (const Json& f : manifest["files"])
    if (f["path"] == "/usr/bin/dash")
      dash_left_out = f["included"] == false && f["package"]["name"] == "dash" && !f["package"]["version"].empty();
  EXPECT_TRUE(dash_left_out) << manifest.dump();
  ProcessResult info = RunUntraced({FANTRACE_BIN, "info", e.bundle()});
  EXPECT_EQ(info.status, 0);
  EXPECT_NE(info.out.find("executable"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("dash "), std::string::npos) << info.out;
  // A bundle without package files still replays here: the host's copies match.
  ProcessResult replay = RunUntraced({FANTRACE_BIN, "replay", e.bundle(), "--verify"});
  EXPECT_EQ(replay.status, 0) << replay.err;
}

TEST(Pack, UnpackAndErrors) {
  Experiment e;
  ProcessResult none = RunUntraced({FANTRACE_BIN, "info", e.store / "none.ftpack"});
  EXPECT_EQ(none.status, 2);
  EXPECT_NE(none.err.find("cannot open the bundle"), std::string::npos) << none.err;
  ProcessResult no_command = RunUntraced({FANTRACE_BIN, "pack", "-o", e.bundle()});
  EXPECT_EQ(no_command.status, 2);
  EXPECT_NE(no_command.err.find("pack needs a command"), std::string::npos) << no_command.err;
  for (const char* sub : {"pack", "replay", "unpack", "info", "export-image"}) {
    ProcessResult help = RunUntraced({FANTRACE_BIN, sub, "--help"});
    EXPECT_EQ(help.status, 0) << sub;
    EXPECT_NE(help.out.find("Usage"), std::string::npos) << sub << help.out;
  }
}

}  // namespace
}  // namespace fantrace::itest

namespace fantrace::itest {
namespace {

// The sha256 hex of a file, by sha256sum (an independent implementation).
std::string Sha256Of(const std::string& path) {
  ProcessResult r = RunUntraced({"sha256sum", path});
  return r.out.substr(0, 64);
}

TEST(PackImage, OciArchiveDigestsCheckOutAndPodmanRunsIt) {
  FANTRACE_REQUIRE_ROOT();
  Experiment e;
  WriteFile(e.work / "in.txt", "b\na\n");
  ProcessResult packed = FantraceIn(e.work.path(), {"pack", "--image", "--tag", "ftpack-test:1", "-o", e.store / "image.tar",
                                                    "--", "sh", "-c", "sort in.txt"});
  ASSERT_EQ(packed.status, 0) << packed.err;
  TempDir layout;
  ASSERT_EQ(RunUntraced({"tar", "-xf", e.store / "image.tar", "-C", layout.path()}).status, 0);
  EXPECT_EQ(Json::parse(ReadFile(layout / "oci-layout"))["imageLayoutVersion"], "1.0.0");
  Json index = Json::parse(ReadFile(layout / "index.json"));
  ASSERT_EQ(index["manifests"].size(), 1u);
  auto blob = [&](const Json& descriptor) {
    std::string digest = descriptor["digest"];
    EXPECT_EQ(digest.substr(0, 7), "sha256:");
    std::string path = layout / ("blobs/sha256/" + digest.substr(7));
    EXPECT_EQ(Sha256Of(path), digest.substr(7)) << "the blob's name is not its digest";
    EXPECT_EQ(static_cast<uint64_t>(Stat(path).st_size), descriptor["size"].get<uint64_t>());
    return path;
  };
  EXPECT_EQ(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"], "ftpack-test:1");
  Json manifest = Json::parse(ReadFile(blob(index["manifests"][0])));
  Json config = Json::parse(ReadFile(blob(manifest["config"])));
  ASSERT_EQ(manifest["layers"].size(), 1u);
  std::string layer = blob(manifest["layers"][0]);
  ProcessResult diff_id = RunUntraced({"sh", "-c", "gzip -dc '" + layer + "' | sha256sum"});
  EXPECT_EQ("sha256:" + diff_id.out.substr(0, 64), config["rootfs"]["diff_ids"][0]);
  EXPECT_EQ(config["config"]["Entrypoint"], Json({"sh", "-c", "sort in.txt"}));
  EXPECT_EQ(config["config"]["WorkingDir"], e.work.path());
  ProcessResult listing = RunUntraced({"tar", "-tzf", layer});
  EXPECT_NE(listing.out.find("usr/bin/dash"), std::string::npos);
  EXPECT_NE(listing.out.find(".fantrace/manifest.json"), std::string::npos);

  if (RunUntraced({"podman", "info"}).status != 0) GTEST_SKIP() << "podman does not run here";
  ProcessResult loaded = RunUntraced({"podman", "load", "-i", e.store / "image.tar"});
  ASSERT_EQ(loaded.status, 0) << loaded.err;
  ProcessResult inspect = RunUntraced({"podman", "image", "inspect", "--format", "{{json .Config.Entrypoint}}",
                                       "localhost/ftpack-test:1"});
  EXPECT_EQ(inspect.status, 0) << inspect.err;
  EXPECT_EQ(Json::parse(inspect.out, nullptr, false), Json({"sh", "-c", "sort in.txt"})) << inspect.out;
  ProcessResult ran = RunUntraced({"podman", "run", "--rm", "--network", "none", "localhost/ftpack-test:1"});
  RunUntraced({"podman", "rmi", "-f", "localhost/ftpack-test:1"});
  // Some sandboxes refuse every setrlimit (no CAP_SYS_RESOURCE), and crun
  // sets the container's limits before it starts anything.
  if (ran.status != 0 && ran.err.find("setrlimit") != std::string::npos)
    GTEST_SKIP() << "podman loads the image but cannot start containers here: " << ran.err;
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out, "a\nb\n");
}

TEST(Pack, UnpackWritesTheManifestAndTheRoot) {
  FANTRACE_REQUIRE_ROOT();
  Experiment e;
  WriteFile(e.work / "in.txt", "x\n");
  ASSERT_EQ(FantraceIn(e.work.path(), {"pack", "-o", e.bundle(), "--", "sh", "-c", "cat in.txt"}).status, 0);
  std::string dir = e.store / "unpacked";
  ProcessResult unpacked = RunUntraced({FANTRACE_BIN, "unpack", e.bundle(), dir});
  ASSERT_EQ(unpacked.status, 0) << unpacked.err;
  EXPECT_EQ(ReadFile(dir + "/root" + (e.work / "in.txt")), "x\n");
  EXPECT_NE(ReadFile(dir + "/manifest.json").find("\"fantrace-pack\""), std::string::npos);
  ProcessResult again = RunUntraced({FANTRACE_BIN, "unpack", e.bundle(), dir});
  EXPECT_EQ(again.status, 2);
  EXPECT_NE(again.err.find("not empty"), std::string::npos) << again.err;
}

}  // namespace
}  // namespace fantrace::itest
