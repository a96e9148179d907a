#include <gtest/gtest.h>

#include <string>

#include "store/content_hash.h"
#include "store/lineage.h"
#include "store/lineage_render.h"
#include "store/queries.h"
#include "store/schema.h"
#include "store/writer.h"
#include "store_test_util.h"

namespace fantrace::store {
namespace {

using testing::ScratchDir;
using testing::Write;

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kT0 = 1'700'000'000 * kSecond;

FileRecord File(FileRole role, const std::string& path, const std::string& content) {
  FileRecord f;
  f.role = role;
  f.path = path;
  f.size = content.size();
  f.hash = HashBytes(content);
  f.hash_state = HashState::kVerified;
  return f;
}

CommandRecord Command(std::vector<std::string> argv, std::string cwd, int64_t start, int exit_status = 0) {
  CommandRecord c;
  c.argv = std::move(argv);
  c.cwd = std::move(cwd);
  c.user = "alice";
  c.hostname = "host";
  c.start_ns = start;
  c.end_ns = start + kSecond / 10;
  c.exit_status = exit_status;
  c.fantrace_version = "test";
  return c;
}

class StoreQueries : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<Database> opened = OpenStore(dir_ / "p.db", true);
    ASSERT_TRUE(opened) << opened.error().message;
    db_.emplace(std::move(*opened));
    // generate -> data.csv; transform data.csv -> sorted.csv; copy sorted.csv -> out/copy.csv
    CommandRecord gen = Command({"sh", "gen.sh"}, "/w", kT0);
    FileRecord script = File(FileRole::kRead, "/w/gen.sh", "echo 1\n");
    script.content = "echo 1\n";
    gen.files = {script, File(FileRole::kWritten, "/w/data.csv", "3\n1\n")};
    CommandRecord sort = Command({"sort", "-o", "sorted.csv", "data.csv"}, "/w", kT0 + 10 * kSecond);
    sort.files = {File(FileRole::kRead, "/w/data.csv", "3\n1\n"), File(FileRole::kWritten, "/w/sorted.csv", "1\n3\n"),
                  File(FileRole::kRead, "/usr/lib/libc.so.6", "elf")};
    CommandRecord copy = Command({"cp", "sorted.csv", "/elsewhere/copy.csv"}, "/wx", kT0 + 20 * kSecond, 1);
    copy.files = {File(FileRole::kRead, "/w/sorted.csv", "1\n3\n"),
                  File(FileRole::kWritten, "/elsewhere/copy.csv", "1\n3\n")};
    for (const CommandRecord* c : {&gen, &sort, &copy}) {
      Result<int64_t> id = WriteCommand(*db_, *c, HashScheme{});
      ASSERT_TRUE(id) << id.error().message;
    }
  }

  std::vector<int64_t> Ids(const CommandFilter& filter) {
    Result<std::vector<CommandRecord>> found = FindCommands(*db_, filter);
    EXPECT_TRUE(found) << found.error().message;
    std::vector<int64_t> ids;
    if (found)
      for (const CommandRecord& c : *found) ids.push_back(c.id);
    return ids;
  }

  ScratchDir dir_;
  std::optional<Database> db_;
};

TEST_F(StoreQueries, FiltersCombineAndListNewestFirst) {
  EXPECT_EQ(Ids({}), (std::vector<int64_t>{3, 2, 1}));
  CommandFilter f;
  f.command = "sort";
  EXPECT_EQ(Ids(f), (std::vector<int64_t>{3, 2})) << "substring: 'sorted.csv' contains 'sort'";
  f.command = "sort *";
  EXPECT_EQ(Ids(f), (std::vector<int64_t>{2})) << "glob";
  f = {};
  f.cwd = "/w";
  EXPECT_EQ(Ids(f), (std::vector<int64_t>{2, 1})) << "/wx is not below /w";
  f.since_ns = kT0 + 5 * kSecond;
  EXPECT_EQ(Ids(f), (std::vector<int64_t>{2}));
  f = {};
  f.until_ns = kT0 + 10 * kSecond;
  f.exit_status = 0;
  EXPECT_EQ(Ids(f), (std::vector<int64_t>{2, 1}));
  f.exit_status = 1;
  EXPECT_TRUE(Ids(f).empty());
  f = {};
  f.limit = 1;
  EXPECT_EQ(Ids(f), (std::vector<int64_t>{3}));
}

TEST_F(StoreQueries, LoadCommandHasAllItsFiles) {
  Result<std::optional<CommandRecord>> c = LoadCommand(*db_, 2);
  ASSERT_TRUE(c && *c);
  EXPECT_EQ((*c)->argv, (std::vector<std::string>{"sort", "-o", "sorted.csv", "data.csv"}));
  EXPECT_EQ((*c)->files.size(), 3u);
  Result<std::optional<CommandRecord>> none = LoadCommand(*db_, 99);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TEST_F(StoreQueries, WriterOfACopyIsFoundByContentThenByPath) {
  // A copy of sorted.csv somewhere new: found by content.
  Write(dir_ / "renamed.csv", "1\n3\n");
  Result<std::vector<FileMatch>> m = FindFileMatches(*db_, FileRole::kWritten, dir_ / "renamed.csv");
  ASSERT_TRUE(m) << m.error().message;
  ASSERT_EQ(m->size(), 2u);  // sort wrote it first, cp wrote the same bytes again
  EXPECT_EQ((*m)[0].command_id, 3);
  EXPECT_EQ((*m)[1].command_id, 2);
  EXPECT_EQ((*m)[0].kind, MatchKind::kContent);

  // The recorded path with other content now: found by path, marked changed.
  Result<std::vector<FileMatch>> by_path = FindFileMatches(*db_, FileRole::kWritten, "/w/data.csv");
  ASSERT_TRUE(by_path);
  ASSERT_EQ(by_path->size(), 1u);
  EXPECT_EQ((*by_path)[0].command_id, 1);
  EXPECT_EQ((*by_path)[0].kind, MatchKind::kPath);
  EXPECT_TRUE((*by_path)[0].changed_since);

  Write(dir_ / "other.csv", "unrelated\n");
  Result<std::vector<FileMatch>> none = FindFileMatches(*db_, FileRole::kWritten, dir_ / "other.csv");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_F(StoreQueries, ReadersAreFoundByContent) {
  Write(dir_ / "input.csv", "3\n1\n");
  Result<std::vector<FileMatch>> m = FindFileMatches(*db_, FileRole::kRead, dir_ / "input.csv");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].command_id, 2);
}

TEST_F(StoreQueries, CapturedContentIsStoredOnceAndFoundByPathOrHash) {
  CommandRecord again = Command({"sh", "gen.sh"}, "/w", kT0 + 30 * kSecond);
  FileRecord script = File(FileRole::kRead, "/w/gen.sh", "echo 1\n");
  script.content = "echo 1\n";
  again.files = {script};
  ASSERT_TRUE(WriteCommand(*db_, again, HashScheme{}));
  Result<Statement> count = db_->Prepare("SELECT count(*) FROM blobs");
  ASSERT_TRUE(count && *count->Step());
  EXPECT_EQ(count->Int(0), 1);
  Result<std::optional<std::string>> hash = CapturedHashOfPath(*db_, "/w/gen.sh");
  ASSERT_TRUE(hash && *hash);
  EXPECT_EQ(**hash, HashBytes("echo 1\n"));
  Result<std::optional<std::string>> content = LoadBlob(*db_, **hash);
  ASSERT_TRUE(content && *content);
  EXPECT_EQ(**content, "echo 1\n");
}

TEST_F(StoreQueries, LineageWalksBackByContentAndLeavesSystemInputsOut) {
  Write(dir_ / "copy.csv", "1\n3\n");
  Result<LineageFile> root = BuildLineage(*db_, dir_ / "copy.csv", LineageOptions{});
  ASSERT_TRUE(root) << root.error().message;
  ASSERT_TRUE(root->writer);
  EXPECT_EQ(root->writer->command.id, 3);
  ASSERT_EQ(root->writer->inputs.size(), 1u);
  const LineageFile& sorted = root->writer->inputs[0];
  EXPECT_EQ(sorted.file.path, "/w/sorted.csv");
  ASSERT_TRUE(sorted.writer);
  EXPECT_EQ(sorted.writer->command.id, 2);
  ASSERT_EQ(sorted.writer->inputs.size(), 1u) << "libc.so.6 is left out";
  const LineageFile& data = sorted.writer->inputs[0];
  ASSERT_TRUE(data.writer);
  EXPECT_EQ(data.writer->command.id, 1);
  EXPECT_EQ(data.match, MatchKind::kContent);

  std::string text = RenderLineageText(*root);
  EXPECT_NE(text.find("#1 sh gen.sh"), std::string::npos) << text;
  std::string dot = RenderLineageDot(*root);
  EXPECT_NE(dot.find("\"c:2\" -> \"f:/w/sorted.csv\""), std::string::npos) << dot;
  nlohmann::json graph = LineageGraph(*root);
  EXPECT_EQ(graph["nodes"].size(), 7u) << graph.dump(1);  // 3 commands, copy, sorted, data, gen.sh
  EXPECT_EQ(graph["edges"].size(), 6u) << graph.dump(1);

  LineageOptions all;
  all.all_inputs = true;
  all.depth = 1;
  Result<LineageFile> shallow = BuildLineage(*db_, dir_ / "copy.csv", all);
  ASSERT_TRUE(shallow && shallow->writer);
  ASSERT_EQ(shallow->writer->inputs.size(), 1u);
  EXPECT_TRUE(shallow->writer->inputs[0].depth_limit);
  EXPECT_FALSE(shallow->writer->inputs[0].writer);
}

TEST(LineageHtml, PathsCannotBreakOutOfTheScript) {
  LineageFile root;
  root.file.path = "/tmp/</script><script>alert(1)</script>";
  std::string html = RenderLineageHtml(root);
  EXPECT_EQ(html.find("</script><script>alert"), std::string::npos);
  EXPECT_NE(html.find("data-status"), std::string::npos);
}

}  // namespace
}  // namespace fantrace::store
