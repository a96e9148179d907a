// The export writers fed synthetic records: shell quoting (checked by a
// real sh), PROV qualified names, times and strings, the version graph, and
// the escaping of Snakefile and Makefile names and recipes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/export_graph.h"
#include "store/prov_document.h"
#include "store/ro_crate.h"
#include "store/shell_words.h"
#include "store/workflow_rules.h"
#include "command_output.h"

namespace fantrace::store {
namespace {

// What sh makes of `line`: its words, each printed with a NUL after it.
std::vector<std::string> ShellWords(const std::string& line) {
  std::string cmd = "sh -c " + ShellQuote("printf '%s\\0' " + line);
  std::vector<std::string> words;
  const std::string out = fantrace::testing::RunCommand(cmd).out;
  for (size_t at = 0; at < out.size();) {
    size_t end = out.find('\0', at);
    words.push_back(out.substr(at, end - at));
    at = end + 1;
  }
  return words;
}

TEST(ShellWords, PlainWordsStayAsTheyAre) {
  EXPECT_EQ(ShellQuote("sort"), "sort");
  EXPECT_EQ(ShellQuote("-t,"), "-t,");
  EXPECT_EQ(ShellQuote("/a/b-c_d.e:f@g%h+i"), "/a/b-c_d.e:f@g%h+i");
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("a b"), "'a b'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote("=x"), "'=x'");
}

TEST(ShellWords, ShReadsBackEveryWord) {
  const std::vector<std::string> argv{"a b", "it's", "$HOME", "`id`", "*", "x;y", "", "tab\there", "new\nline",
                                      "back\\slash", "\"q\"", "~", "#c", "{a,b}", "!", "é"};
  EXPECT_EQ(ShellWords(ShellJoin(argv)), argv);
}

TEST(ProvNames, LocalPartsArePercentEncodedWhereProvNNeedsIt) {
  EXPECT_EQ(FantraceName("command-12"), "fantrace:command-12");
  EXPECT_EQ(FantraceName("host-node1.cluster"), "fantrace:host-node1.cluster");
  EXPECT_EQ(FantraceName("user-a b"), "fantrace:user-a%20b");
  EXPECT_EQ(FantraceName("host-x."), "fantrace:host-x%2E");
  EXPECT_EQ(FantraceName("-x"), "fantrace:%2Dx");
  EXPECT_EQ(FantraceName("u:ser/\xff"), "fantrace:u%3Aser%2F%FF");
}

TEST(ProvTimes, XsdDateTimeInUtcWithNanoseconds) {
  EXPECT_EQ(XsdDateTime(0), "1970-01-01T00:00:00.000000000Z");
  EXPECT_EQ(XsdDateTime(1'796'000'000'123'456'789), "2026-11-30T00:53:20.123456789Z");
  EXPECT_EQ(XsdDateTime(-1), "1969-12-31T23:59:59.999999999Z");
}

TEST(ProvStrings, EscapesQuotesBackslashesAndLineBreaks) {
  EXPECT_EQ(ProvNString("plain"), "\"plain\"");
  EXPECT_EQ(ProvNString("a\"b\\c\nd\re\tf"), "\"a\\\"b\\\\c\\nd\\re\\tf\"");
  EXPECT_EQ(ProvNString("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
  EXPECT_EQ(ProvNString("bad\xff"), "\"bad\xEF\xBF\xBD\"");
}

FileRecord File(FileRole role, std::string path, std::optional<std::string> hash, uint64_t size = 10) {
  FileRecord f;
  f.role = role;
  f.path = std::move(path);
  f.hash = std::move(hash);
  f.size = size;
  f.hash_state = f.hash ? HashState::kVerified : HashState::kChanged;
  return f;
}

CommandRecord Command(int64_t id, std::vector<std::string> argv, std::vector<FileRecord> files) {
  CommandRecord c;
  c.id = id;
  c.argv = std::move(argv);
  c.cwd = "/w";
  c.user = "alice";
  c.uid = 1000;
  c.hostname = "node1";
  c.start_ns = id * 1'000'000'000;
  c.end_ns = c.start_ns + 500'000'000;
  c.files = std::move(files);
  return c;
}

// gen writes data.csv; sort reads it (and a system file) and writes
// sorted.csv; an untraced copy put sorted.csv's bytes at /x/copy.csv, which
// wc reads.
ExportGraph Pipeline() {
  std::vector<CommandRecord> commands{
      Command(3, {"wc", "-l", "/x/copy.csv"}, {File(FileRole::kRead, "/x/copy.csv", "h2"),
                                                File(FileRole::kWritten, "/w/count", "h3")}),
      Command(1, {"./gen.sh"}, {File(FileRole::kExecuted, "/w/gen.sh", "h0"), File(FileRole::kWritten, "/w/data.csv", "h1")}),
      Command(2, {"sort", "-o", "sorted.csv", "data.csv"},
              {File(FileRole::kExecuted, "/usr/bin/sort", "hs"), File(FileRole::kRead, "/usr/lib/locale/x", "hl"),
               File(FileRole::kRead, "/w/data.csv", "h1"), File(FileRole::kWritten, "/w/sorted.csv", "h2")}),
  };
  return BuildExportGraph(std::move(commands), ExportOptions{});
}

TEST(ExportGraph, OrdersCommandsAndLinksWhatLaterOnesRead) {
  ExportGraph g = Pipeline();
  ASSERT_EQ(g.commands.size(), 3u);
  EXPECT_EQ(g.commands[0].id, 1);
  EXPECT_EQ(g.commands[2].id, 3);
  // sort read the very version gen wrote, and not the system file.
  ASSERT_EQ(g.flows[1].read.size(), 1u);
  EXPECT_EQ(g.flows[1].read[0], g.flows[0].written[0]);
  EXPECT_EQ(g.flows[1].informants, std::vector<size_t>{0});
  // wc read a copy: its own version, derived from sort's by content.
  ASSERT_EQ(g.flows[2].read.size(), 1u);
  EXPECT_NE(g.flows[2].read[0], g.flows[1].written[0]);
  EXPECT_EQ(g.flows[2].informants, std::vector<size_t>{1});
  ASSERT_EQ(g.copies.size(), 1u);
  EXPECT_EQ(g.copies[0].used, g.flows[2].read[0]);
  EXPECT_EQ(g.copies[0].generated, g.flows[1].written[0]);
}

TEST(ExportGraph, AllInputsKeepsSystemFiles) {
  std::vector<CommandRecord> commands{Command(1, {"cat"}, {File(FileRole::kRead, "/etc/passwd", "h")})};
  EXPECT_TRUE(BuildExportGraph(commands, ExportOptions{}).flows[0].read.empty());
  EXPECT_EQ(BuildExportGraph(commands, ExportOptions{true}).flows[0].read.size(), 1u);
}

TEST(ExportGraph, FilesWithoutAHashAreVersionsOfTheirCommand) {
  FileRecord f = File(FileRole::kWritten, "/w/x", std::nullopt);
  EXPECT_NE(VersionId(f, 1), VersionId(f, 2));
  FileRecord r = File(FileRole::kRead, "/w/x", "h");
  EXPECT_EQ(VersionId(r, 1), VersionId(r, 2));
}

TEST(ProvJson, HasTheRecordsAndRelationsOfThePipeline) {
  nlohmann::json doc = nlohmann::json::parse(ProvJson(BuildProvDocument(Pipeline())));
  EXPECT_EQ(doc["prefix"]["fantrace"], kFantraceNamespace);
  ASSERT_TRUE(doc["activity"].contains("fantrace:command-2"));
  const nlohmann::json& sort = doc["activity"]["fantrace:command-2"];
  EXPECT_EQ(sort["prov:startTime"], "1970-01-01T00:00:02.000000000Z");
  EXPECT_EQ(sort["prov:label"], "sort -o sorted.csv data.csv");
  EXPECT_EQ(sort["fantrace:exitStatus"]["type"], "xsd:int");
  EXPECT_EQ(sort["fantrace:argv"], R"(["sort","-o","sorted.csv","data.csv"])");
  EXPECT_TRUE(doc["agent"].contains("fantrace:user-alice"));
  EXPECT_TRUE(doc["agent"].contains("fantrace:host-node1"));
  EXPECT_EQ(doc["used"].size(), 4u);  // gen.sh and sort run, data.csv and copy.csv read
  EXPECT_EQ(doc["wasGeneratedBy"].size(), 3u);
  EXPECT_EQ(doc["wasInformedBy"].size(), 2u);
  EXPECT_EQ(doc["wasAssociatedWith"].size(), 6u);
  EXPECT_EQ(doc["wasDerivedFrom"].size(), 3u);  // sorted<-data, count<-copy, copy<-sorted (content)
}

TEST(ProvN, WritesOneStatementPerRecord) {
  std::string text = ProvN(BuildProvDocument(Pipeline()));
  EXPECT_TRUE(text.starts_with("document\n  prefix fantrace <urn:fantrace:>\n"));
  EXPECT_TRUE(text.ends_with("endDocument\n"));
  EXPECT_NE(text.find("  activity(fantrace:command-1, 1970-01-01T00:00:01.000000000Z, "
                      "1970-01-01T00:00:01.500000000Z, [prov:type='fantrace:Command', prov:label=\"./gen.sh\", "
                      "fantrace:commandId=\"1\" %% xsd:long"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  wasInformedBy(fantrace:command-2, fantrace:command-1)\n"), std::string::npos);
  EXPECT_NE(text.find("[prov:role='fantrace:read'])"), std::string::npos);
}

TEST(RoCrate, ActionsNameTheirProgramAgentInputsAndOutputs) {
  ExportGraph g = Pipeline();
  RoCrateOptions options;
  options.included = CratePaths(g, "/w");
  nlohmann::json crate = BuildRoCrate(g, options);
  const nlohmann::json& graph = crate["@graph"];
  EXPECT_EQ(graph[1]["@id"], "./");
  EXPECT_EQ(graph[1]["conformsTo"]["@id"], kProcessRunCrate);
  nlohmann::json sort;
  for (const auto& e : graph)
    if (e["@id"] == "#command-2") sort = e;
  EXPECT_EQ(sort["@type"], "CreateAction");
  EXPECT_EQ(sort["object"], nlohmann::json::parse(R"([{"@id": "data.csv"}])"));
  EXPECT_EQ(sort["result"], nlohmann::json::parse(R"([{"@id": "sorted.csv"}])"));
  EXPECT_EQ(sort["agent"]["@id"], "#user-alice");
  EXPECT_EQ(CratePaths(g, "/w").at(g.versions[g.flows[2].read[0]].id), "external/x/copy.csv");
  EXPECT_EQ(UriPath("a b/%c"), "a%20b/%25c");
}

TEST(WorkflowRules, PathsAndStringsAreEscapedForEachTool) {
  EXPECT_EQ(PathFromBase("/w/a/b", "/w"), "a/b");
  EXPECT_EQ(PathFromBase("/w", "/w"), ".");
  EXPECT_EQ(PathFromBase("/wx/a", "/w"), "/wx/a");
  EXPECT_EQ(PathFromBase("/a", "/"), "a");
  EXPECT_EQ(*PythonString("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\x01\"");
  EXPECT_FALSE(PythonString("\xff"));
  EXPECT_EQ(*MakeWord("my file#1:%*.c$", true), "my\\ file\\#1\\:\\%\\*.c$$");
  EXPECT_EQ(*MakeWord("my file#1:%*.c$", false), "my\\ file\\#1\\:%\\*.c$$");
  EXPECT_FALSE(MakeWord("a=b", true));
  EXPECT_FALSE(MakeWord("a\nb", false));
  EXPECT_EQ(*MakeRecipe("echo '$HOME'"), "echo '$$HOME'");
  EXPECT_FALSE(MakeRecipe("echo 'a\nb'"));
}

TEST(WorkflowRules, SnakefileHasOneRulePerWritingCommand) {
  Result<std::string> text = WriteSnakefile(Pipeline(), "/w");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_NE(text->find("rule cmd1_gen_sh:\n    input:\n        \"gen.sh\",\n    output:\n        \"data.csv\",\n"
                       "    shell:\n        \"./gen.sh\"\n"),
            std::string::npos)
      << *text;
  EXPECT_NE(text->find("rule cmd2_sort:\n    input:\n        \"data.csv\",\n"), std::string::npos) << *text;
  EXPECT_NE(text->find("rule all:\n    input:\n        \"data.csv\",\n        \"sorted.csv\",\n        \"count\",\n"),
            std::string::npos)
      << *text;
}

TEST(WorkflowRules, SnakemakeBracesAreDoubledInTheShellLine) {
  std::vector<CommandRecord> commands{
      Command(1, {"awk", "{print}", "x"}, {File(FileRole::kWritten, "/w/out", "h")})};
  Result<std::string> text = WriteSnakefile(BuildExportGraph(commands, {}), "/w");
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("\"awk '{{print}}' x\""), std::string::npos) << *text;
  commands[0].files[0].path = "/w/{x}";
  EXPECT_FALSE(WriteSnakefile(BuildExportGraph(commands, {}), "/w"));
}

TEST(WorkflowRules, MakefileGroupsOutputsAndEscapesRecipes) {
  std::vector<CommandRecord> commands{
      Command(1, {"sh", "-c", "echo $0 > a; cp a b", "x y"},
              {File(FileRole::kWritten, "/w/a", "h1"), File(FileRole::kWritten, "/w/b", "h2")}),
      Command(2, {"-weird"}, {File(FileRole::kRead, "/w/a", "h1"), File(FileRole::kWritten, "/w/sub dir/c", "h3")})};
  commands[1].cwd = "/w/sub dir";
  Result<std::string> text = WriteMakefile(BuildExportGraph(commands, {}), "/w");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_NE(text->find("a b &: \n\tsh -c 'echo $$0 > a; cp a b' 'x y'\n"), std::string::npos) << *text;
  EXPECT_NE(text->find("sub\\ dir/c : a\n\tcd 'sub dir' && '-weird'\n"), std::string::npos) << *text;
  EXPECT_NE(text->find("all: a b sub\\ dir/c\n"), std::string::npos) << *text;
}

}  // namespace
}  // namespace fantrace::store
