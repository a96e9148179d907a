// fantrace export of a real recorded pipeline (generate -> sort -> copy):
// PROV-JSON and PROV-N read back with Debian's python3-prov, the RO-Crate
// checked against the Process Run Crate profile's requirements, and the
// Snakefile and Makefile run again by snakemake and make in a clean copy
// of the inputs, giving the same bytes.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "export_checks.h"
#include "harness.h"
#include "provenance_harness.h"

namespace fantrace::itest {
namespace {

// Debian's interpreter: the one python3-prov is installed for.
constexpr const char* kPython = "/usr/bin/python3";

struct ExportedPipeline : Pipeline {
  std::string copy = elsewhere / "copy.csv";

  // `fantrace export -f FORMAT --lineage copy.csv ARGS...`; fails the test
  // unless it exits 0.
  ProcessResult Export(const std::string& format, const std::vector<std::string>& args = {}) {
    std::vector<std::string> full{"export", "-f", format, "--lineage", copy};
    full.insert(full.end(), args.begin(), args.end());
    ProcessResult r = Run(full);
    EXPECT_EQ(r.status, 0) << r.err;
    return r;
  }
};

TEST(Export, ProvJsonAndProvNReadBackWithPythonProv) {
  ExportedPipeline p;
  const std::string json_file = p.work / "run.prov.json", provn_file = p.work / "run.provn";
  p.Export("prov-json", {"-o", json_file});
  p.Export("prov-n", {"-o", provn_file});
  TempDir scratch;
  WriteFile(scratch / "check.py", kProvCheck);
  ProcessResult r = RunUntraced({kPython, scratch / "check.py", json_file, provn_file});
  ASSERT_EQ(r.status, 0) << r.err << "\n" << ReadFile(provn_file);
  Json s = Json::parse(r.out);

  // Three commands as Activities with their times, directory and status.
  ASSERT_EQ(s["activities"].size(), 3u) << s.dump(1);
  const Json& sort = s["activities"][fmt::format("fantrace:command-{}", p.sort_id)];
  EXPECT_EQ(sort["label"], "sort -t, -k2 -n -o sorted.csv data.csv");
  EXPECT_EQ(sort["argv"], R"(["sort","-t,","-k2","-n","-o","sorted.csv","data.csv"])");
  EXPECT_EQ(sort["cwd"], p.work.path());
  EXPECT_EQ(sort["exit"], "0");
  EXPECT_NE(sort["start"], "None");
  EXPECT_NE(sort["end"], "None");

  // Each file version an Entity with path, size and hash.
  std::map<std::string, Json> by_path;
  for (const auto& [id, e] : s["entities"].items()) by_path[e["path"]] = e;
  for (const std::string& path : {p.work / "data.csv", p.work / "sorted.csv", p.copy}) {
    ASSERT_TRUE(by_path.contains(path)) << path << "\n" << s.dump(1);
    EXPECT_EQ(by_path[path]["size"], "35");
    EXPECT_EQ(by_path[path]["hash"].get<std::string>().size(), 32u);
  }
  EXPECT_EQ(by_path[p.work / "sorted.csv"]["hash"], by_path[p.copy]["hash"]);

  // The relations that tie them.
  const Json& rel = s["relations"];
  auto has = [&](const char* kind, const std::string& a, const std::string& b) {
    for (const Json& pair : rel.value(kind, Json::array()))
      if (pair[0] == a && pair[1] == b) return true;
    return false;
  };
  const std::string gen = fmt::format("fantrace:command-{}", p.gen_id);
  const std::string srt = fmt::format("fantrace:command-{}", p.sort_id);
  const std::string cp = fmt::format("fantrace:command-{}", p.cp_id);
  EXPECT_TRUE(has("prov:Communication", srt, gen)) << rel.dump(1);
  EXPECT_TRUE(has("prov:Communication", cp, srt)) << rel.dump(1);
  std::map<std::string, std::string> id_of;
  for (const auto& [id, e] : s["entities"].items()) id_of[e["path"]] = id;
  EXPECT_TRUE(has("prov:Generation", id_of[p.copy], cp));
  EXPECT_TRUE(has("prov:Usage", srt, id_of[p.work / "data.csv"]));
  EXPECT_TRUE(has("prov:Derivation", id_of[p.copy], id_of[p.work / "sorted.csv"]));
  EXPECT_TRUE(has("prov:Association", gen, s["agents"][0].get<std::string>()) ||
              has("prov:Association", gen, s["agents"][1].get<std::string>()));
  EXPECT_EQ(s["agents"].size(), 2u);  // the user and the host
}

// The Process Run Crate 0.5 requirements (and RO-Crate 1.1's for the
// root), from the profile's text: each violation is one message.
std::vector<std::string> ProcessRunCrateViolations(const Json& crate) {
  std::vector<std::string> v;
  std::map<std::string, Json> by_id;
  for (const Json& e : crate["@graph"]) by_id[e.value("@id", "")] = e;
  auto types = [&](const std::string& id) {
    std::set<std::string> out;
    if (!by_id.contains(id)) return out;
    const Json& t = by_id[id]["@type"];
    if (t.is_string()) out.insert(t.get<std::string>());
    else for (const Json& x : t) out.insert(x.get<std::string>());
    return out;
  };
  auto refs = [](const Json& value) {
    std::vector<std::string> out;
    if (value.is_object()) out.push_back(value.value("@id", ""));
    else if (value.is_array()) for (const Json& x : value) out.push_back(x.value("@id", ""));
    return out;
  };
  const Json ctx = crate["@context"];
  if (!(ctx == "https://w3id.org/ro/crate/1.1/context" ||
        (ctx.is_array() && std::find(ctx.begin(), ctx.end(), "https://w3id.org/ro/crate/1.1/context") != ctx.end())))
    v.push_back("@context lacks the RO-Crate 1.1 context");
  const Json& meta = by_id["ro-crate-metadata.json"];
  if (meta.value("@type", "") != "CreativeWork" || refs(meta["about"]) != std::vector<std::string>{"./"} ||
      refs(meta["conformsTo"]) != std::vector<std::string>{"https://w3id.org/ro/crate/1.1"})
    v.push_back("the metadata descriptor is not a CreativeWork about ./ conforming to RO-Crate 1.1");
  const Json& root = by_id["./"];
  if (!types("./").contains("Dataset")) v.push_back("the root is not a Dataset");
  for (const char* key : {"name", "description", "datePublished"})
    if (!root.contains(key)) v.push_back(std::string("the root has no ") + key);
  bool profile = false;
  for (const std::string& id : refs(root["conformsTo"]))
    profile = profile || (id.starts_with("https://w3id.org/ro/wfrun/process/") && types(id).contains("CreativeWork"));
  if (!profile) v.push_back("the root's conformsTo names no Process Run Crate CreativeWork entity");
  const std::vector<std::string> mentions = refs(root["mentions"]), parts = refs(root["hasPart"]);
  for (const auto& [id, e] : by_id) {
    if (!types(id).contains("CreateAction")) continue;
    if (std::find(mentions.begin(), mentions.end(), id) == mentions.end())
      v.push_back(id + " is not among the root's mentions");
    std::vector<std::string> tool = refs(e["instrument"]);
    std::set<std::string> tt = tool.size() == 1 ? types(tool[0]) : std::set<std::string>{};
    if (!tt.contains("SoftwareApplication") && !tt.contains("SoftwareSourceCode") && !tt.contains("ComputationalWorkflow"))
      v.push_back(id + " has no instrument entity of a software type");
    for (const char* key : {"name", "description", "endTime", "startTime"})
      if (!e.contains(key)) v.push_back(id + " has no " + key);
    for (const std::string& agent : refs(e["agent"]))
      if (!types(agent).contains("Person") && !types(agent).contains("Organization"))
        v.push_back(id + "'s agent is no Person or Organization");
    for (const char* key : {"object", "result"})
      for (const std::string& file : refs(e[key])) {
        if (!types(file).contains("File")) v.push_back(id + "'s " + key + " " + file + " is not a File entity");
        if (std::find(parts.begin(), parts.end(), file) == parts.end())
          v.push_back(file + " is not in the root's hasPart");
      }
  }
  return v;
}

const Json* Action(const Json& crate, int64_t id) {
  for (const Json& e : crate["@graph"])
    if (e.value("@id", "") == fmt::format("#command-{}", id)) return &e;
  return nullptr;
}

TEST(Export, RoCrateIsAProcessRunCrate) {
  ExportedPipeline p;
  Json crate = ParseJson(p.Export("ro-crate"));
  EXPECT_EQ(ProcessRunCrateViolations(crate), std::vector<std::string>{}) << crate.dump(1);
  const Json* sort = Action(crate, p.sort_id);
  ASSERT_NE(sort, nullptr);
  EXPECT_EQ((*sort)["object"], Json::parse(fmt::format(R"([{{"@id": "file://{}"}}])", p.work / "data.csv")));
  EXPECT_EQ((*sort)["result"], Json::parse(fmt::format(R"([{{"@id": "file://{}"}}])", p.work / "sorted.csv")));
  EXPECT_EQ((*sort)["actionStatus"], "http://schema.org/CompletedActionStatus");
}

TEST(Export, RoCrateWithFilesHoldsTheRecordedBytes) {
  ExportedPipeline p;
  TempDir out;
  const std::string dir = out / "crate";
  p.Export("ro-crate", {"--with-files", "-o", dir});
  Json crate = Json::parse(ReadFile(dir + "/ro-crate-metadata.json"));
  EXPECT_EQ(ProcessRunCrateViolations(crate), std::vector<std::string>{}) << crate.dump(1);
  const Json* cp = Action(crate, p.cp_id);
  ASSERT_NE(cp, nullptr);
  EXPECT_EQ((*cp)["object"], Json::parse(R"([{"@id": "sorted.csv"}])"));
  const std::string outside = "external" + p.copy;
  EXPECT_EQ((*cp)["result"], Json::parse(fmt::format(R"([{{"@id": "{}"}}])", outside)));
  EXPECT_EQ(ReadFile(dir + "/sorted.csv"), ReadFile(p.work / "sorted.csv"));
  EXPECT_EQ(ReadFile(dir + "/" + outside), ReadFile(p.copy));
  EXPECT_EQ(ReadFile(dir + "/data.csv"), ReadFile(p.work / "data.csv"));
  // A file changed since is described, not copied: its bytes are gone.
  WriteFile(p.work / "data.csv", "changed\n");
  const std::string dir2 = out / "crate2";
  ProcessResult r = p.Export("ro-crate", {"--with-files", "-o", dir2});
  EXPECT_NE(r.err.find(p.work / "data.csv is described but not in the crate"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir2 + "/data.csv"));
  // A script changed since comes from the content the database kept.
  const std::string script = ReadFile(p.script);
  WriteFile(p.script, "#!/bin/sh\necho changed\n");
  const std::string dir3 = out / "crate3";
  p.Export("ro-crate", {"--with-files", "-o", dir3});
  EXPECT_EQ(ReadFile(dir3 + "/gen.sh"), script);
  EXPECT_EQ(ReadFile(dir2 + "/sorted.csv"), ReadFile(p.work / "sorted.csv"));
}

// Reruns an exported workflow with `tool` in a clean directory holding
// only the pipeline's script, then compares the outputs with the recorded
// run's. With `odd_names`, two more copies go through names that need
// quoting for the shell, make and Snakemake, and the lineage of the last
// one is exported.
void ExpectRerunGivesTheSameBytes(const std::string& format, const std::vector<std::string>& tool,
                                  bool odd_names = false, const std::string& odd = "",
                                  const std::string& odder = "") {
  ExportedPipeline p;
  if (odd_names) {
    p.Record({"cp", "sorted.csv", odd});
    p.Record({"cp", odd, odder});
  }
  TempDir clean;
  const std::string rules = clean / (format == "snakemake" ? "Snakefile" : "Makefile");
  ProcessResult exported = p.Run({"export", "-f", format, "--lineage", odd_names ? p.work / odder : p.copy, "-o", rules});
  ASSERT_EQ(exported.status, 0) << exported.err;
  const std::string data = ReadFile(p.work / "data.csv"), sorted = ReadFile(p.work / "sorted.csv");
  ASSERT_EQ(ReadFile(p.copy), sorted);
  ASSERT_FALSE(sorted.empty());
  WriteFile(clean / "gen.sh", ReadFile(p.script));
  chmod((clean / "gen.sh").c_str(), 0755);
  if (!odd_names) {
    ASSERT_EQ(unlink(p.copy.c_str()), 0);  // cp's target is absolute: it is made again there
  }
  std::vector<std::string> argv{"env", "-C", clean.path()};
  argv.insert(argv.end(), tool.begin(), tool.end());
  argv.push_back(rules);
  ProcessResult r = RunUntraced(argv);
  ASSERT_EQ(r.status, 0) << r.out << r.err << ReadFile(rules);
  EXPECT_EQ(ReadFile(clean / "data.csv"), data);
  EXPECT_EQ(ReadFile(clean / "sorted.csv"), sorted);
  if (odd_names) {
    EXPECT_EQ(ReadFile(clean / odd), sorted);
    EXPECT_EQ(ReadFile(clean / odder), sorted) << ReadFile(rules);
  } else {
    EXPECT_EQ(ReadFile(p.copy), sorted);
  }
}

TEST(Export, SnakefileRerunsThePipeline) { ExpectRerunGivesTheSameBytes("snakemake", {"snakemake", "-c1", "-s"}); }

TEST(Export, MakefileRerunsThePipeline) { ExpectRerunGivesTheSameBytes("makefile", {"make", "-f"}); }

TEST(Export, MakefileRerunsCommandsOnNamesMakeAndTheShellTreatSpecially) {
  ExpectRerunGivesTheSameBytes("makefile", {"make", "-f"}, true, "in put's $x {y}.csv", "out #1: 50% [a]*?.csv");
}

TEST(Export, SnakefileRerunsCommandsOnNamesTheShellTreatsSpecially) {
  ExpectRerunGivesTheSameBytes("snakemake", {"snakemake", "-c1", "-s"}, true, "in put's $x \\ \"q\".csv",
                               "out #1: 50% [a]*?.csv");
}

// Snakemake reads braces in names as wildcards: such a chain is refused
// with the command named, exit status 2.
TEST(Export, SnakefileRefusesBracesInNames) {
  ExportedPipeline p;
  const int64_t odd = p.Record({"cp", "sorted.csv", "x{y}.csv"});
  ProcessResult r = p.Run({"export", "-f", "snakemake", "--lineage", p.work / "x{y}.csv"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(fmt::format("command #{} cannot be written into a Snakefile: Snakemake reads braces", odd)),
            std::string::npos)
      << r.err;
}

TEST(Export, SelectsByIdAndQueryAndSaysWhenNothingMatches) {
  ExportedPipeline p;
  Json one = ParseJson(p.Run({"export", "-f", "prov-json", std::to_string(p.sort_id)}));
  EXPECT_EQ(one["activity"].size(), 1u);
  Json two = ParseJson(p.Run({"export", "-f", "prov-json", "--command", "sort *", "--exit-status", "0"}));
  EXPECT_EQ(two["activity"].size(), 1u);
  Json writers = ParseJson(p.Run({"export", "-f", "prov-json", "--wfile", p.work / "sorted.csv"}));
  EXPECT_EQ(writers["activity"].size(), 2u);  // sort wrote these bytes, and cp elsewhere
  const std::vector<std::pair<std::vector<std::string>, std::pair<int, std::string>>> cases{
      {{"export", "-f", "prov-json", "999"}, {1, "no command #999"}},
      {{"export", "-f", "prov-json", "--command", "nothing-like-it"}, {1, "no recorded command matches"}},
      {{"export", "-f", "prov-json", "--lineage", p.work / "gen.sh"}, {1, "no recorded command wrote"}},
      {{"export", "-f", "prov-json"}, {2, "give one of: command IDs"}},
      {{"export", "-f", "prov-json", "1", "--lineage", p.copy}, {2, "give one of"}},
      {{"export", "-f", "xml", "1"}, {2, "xml"}},
      {{"export", "-f", "prov-n", "--with-files", "1"}, {2, "--with-files is for -f ro-crate with -o DIR"}},
      {{"export", "-f", "prov-n", "1", "-o", "/nonexistent/dir/x"}, {2, "cannot create /nonexistent/dir/x"}},
  };
  for (const auto& [args, expected] : cases) {
    ProcessResult r = p.Run(args);
    EXPECT_EQ(r.status, expected.first) << fmt::format("{}", fmt::join(args, " ")) << "\n" << r.err;
    EXPECT_NE(r.err.find(expected.second), std::string::npos) << r.err;
  }
  ProcessResult help = Fantrace(p.work.path(), {"export", "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("Exit status: 0 exported, 1 nothing to export"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace fantrace::itest
