// The built-in kernel filters: --exclude-fs (pseudo file systems by default,
// matched by magic), --exclude-comm, --only-written, --all-files, and the
// summary's "stats" that account for every event the kernel saw.
#include <gtest/gtest.h>

#include <filesystem>

#include "harness.h"

namespace fantrace::itest {
namespace {

const std::string kProcFile = "/proc/self/status";

TEST(BuiltinFilters, ProcIsExcludedByDefaultAndCountedAsFs) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string file = dir / "read_me";
  WriteFile(file, "x\n");
  Trace t = TraceRun({"/bin/cat", kProcFile, file});
  ASSERT_EQ(t.status, 0) << t.err;
  for (const char* type : {"open", "close"})
    for (const Json& e : t.Events(type)) EXPECT_FALSE(IsUnder(e["path"].get<std::string>(), "/proc")) << e.dump();
  EXPECT_TRUE(t.Lists("read", file)) << t.jsonl;
  const Json& stats = t.Summary()["stats"];
  EXPECT_GE(stats["dropped"]["fs"].get<long>(), 1) << t.Summary().dump();
}

TEST(BuiltinFilters, ExcludeFsNoneReportsProc) {
  FANTRACE_REQUIRE_ROOT();
  Trace t = TraceRun({"/bin/cat", kProcFile}, {"--exclude-fs", "none"});
  ASSERT_EQ(t.status, 0) << t.err;
  // /proc/self resolves to the reading process's own directory.
  bool proc_read = false;
  for (const Json& e : t.Events("open"))
    proc_read |= IsUnder(e["path"].get<std::string>(), "/proc");
  EXPECT_TRUE(proc_read) << t.jsonl;
  EXPECT_EQ(t.Summary()["stats"]["dropped"]["fs"], 0) << t.Summary().dump();
}

// tmpfs is not excluded by default; naming it excludes files on a tmpfs
// mount, whatever its path.
TEST(BuiltinFilters, ExcludeFsByMagicNotPath) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::filesystem::create_directory(dir / "mnt");
  ASSERT_EQ(system(("mount -t tmpfs none " + dir / "mnt").c_str()), 0);
  std::string on_tmpfs = dir / "mnt/file";
  Trace t = TraceRun({Prog("write_file"), on_tmpfs}, {"--exclude-fs", "default,tmpfs"});
  ASSERT_EQ(system(("umount " + dir / "mnt").c_str()), 0);
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_TRUE(t.EventsAtPath(on_tmpfs).empty()) << t.jsonl;
  EXPECT_GE(t.Summary()["stats"]["dropped"]["fs"].get<long>(), 1) << t.Summary().dump();
}

TEST(BuiltinFilters, ExcludeCommDropsThatProgramsEvents) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string by_cat = dir / "by_cat", by_sh = dir / "by_sh";
  WriteFile(dir / "src", "x\n");
  Trace t = TraceRun({"/bin/sh", "-c", "cat " + dir / "src" + " | cat > " + by_cat + "; echo y > " + by_sh},
                     {"--exclude-comm", "cat"});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_TRUE(t.EventsAt("open", dir / "src").empty()) << t.jsonl;
  EXPECT_FALSE(t.EventsAt("open", by_sh).empty()) << t.jsonl;
  // The shell opened by_cat for the redirection, so that open stays.
  EXPECT_FALSE(t.EventsAt("open", by_cat).empty()) << t.jsonl;
  EXPECT_GE(t.Summary()["stats"]["dropped"]["comm"].get<long>(), 1);
}

TEST(BuiltinFilters, OnlyWrittenDropsReadOnlyFiles) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  std::string input = dir / "input", output = dir / "output";
  WriteFile(input, "x\n");
  Trace t = TraceRun({"/bin/sh", "-c", "cat " + input + " > " + output}, {"--only-written"});
  ASSERT_EQ(t.status, 0) << t.err;
  EXPECT_TRUE(t.EventsAtPath(input).empty()) << t.jsonl;
  EXPECT_TRUE(t.Listed("read").empty()) << t.jsonl;
  EXPECT_EQ(t.ListedUnder("written", dir.path()), Paths{output});
  for (const Json& e : t.Events("open")) EXPECT_NE(e["access"], "read") << e.dump();
  for (const Json& e : t.Events("close")) EXPECT_EQ(e["written"], true) << e.dump();
}

TEST(BuiltinFilters, AllFilesReportsDirectories) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  Trace regular = TraceRun({"/bin/ls", dir.path()});
  Trace all = TraceRun({"/bin/ls", dir.path()}, {"--all-files"});
  ASSERT_EQ(regular.status, 0) << regular.err;
  ASSERT_EQ(all.status, 0) << all.err;
  EXPECT_TRUE(regular.EventsAt("open", dir.path()).empty()) << regular.jsonl;
  EXPECT_EQ(all.EventsAt("open", dir.path()).size(), 1u) << all.jsonl;
  EXPECT_FALSE(all.Lists("read", dir.path())) << "a directory is not a read file";
}

// Every event the kernel saw is delivered, merged, dropped by a filter, or
// lost: the stats add up, and delivered matches what reached the output.
TEST(BuiltinFilters, StatsAccountForEveryEvent) {
  FANTRACE_REQUIRE_ROOT();
  TempDir dir;
  WriteFile(dir / "f", "x\n");
  Trace t = TraceRun({"/bin/sh", "-c", "cat " + dir / "f" + " " + dir / "f" + " /proc/self/stat > /dev/null"},
                     {"--exclude", "/etc"});
  ASSERT_EQ(t.status, 0) << t.err;
  const Json& s = t.Summary()["stats"];
  const Json& d = s["dropped"];
  long dropped = d["kind"].get<long>() + d["path"].get<long>() + d["fs"].get<long>() +
                 d["comm"].get<long>() + d["only_written"].get<long>();
  EXPECT_EQ(s["seen"].get<long>(),
            s["delivered"].get<long>() + s["merged"].get<long>() + s["lost"].get<long>() + dropped);
  EXPECT_GE(s["merged"].get<long>(), 1) << "the second open of f";
  EXPECT_GE(d["path"].get<long>(), 1) << "the loader's /etc/ld.so.cache";
  EXPECT_GE(d["fs"].get<long>(), 1) << "/proc/self/stat";
  EXPECT_NE(t.err.find("kernel:"), std::string::npos) << t.err;
}

TEST(BuiltinFilters, BadValuesAreUsageErrors) {
  FANTRACE_REQUIRE_ROOT();
  Trace bad_fs = RunFantrace({"run", "--exclude-fs", "nosuchfs", "--", "true"});
  EXPECT_EQ(bad_fs.status, 2);
  EXPECT_NE(bad_fs.err.find("nosuchfs"), std::string::npos) << bad_fs.err;
  Trace long_comm = RunFantrace({"run", "--exclude-comm", "a-name-longer-than-15", "--", "true"});
  EXPECT_EQ(long_comm.status, 2);
  EXPECT_NE(long_comm.err.find("15 bytes"), std::string::npos) << long_comm.err;
}

}  // namespace
}  // namespace fantrace::itest
