// Overload: with the smallest ring buffer (64 KiB) and a reader that can
// hardly run, the kernel drops records; every drop is counted, the counts
// add up exactly, and the summary and stderr say the trace is incomplete.
// Scripts detect it by the summary's "lost" (or any "lost" line); the exit
// status stays the command's.
#include <gtest/gtest.h>

#include "reliability.h"

namespace fantrace::rtest {
namespace {

using namespace std::chrono_literals;

// Counts the events of each kind (summary excluded) and checks the lost
// accounting of the trace itself.
long DeliveredEvents(const Trace& t) {
  long delivered = 0;
  for (const auto& [type, count] : CountByType(t))
    if (type != "lost") delivered += count;
  return delivered;
}

// "open 20000, close 20001, ...": which kinds differ when the counts do not
// add up.
std::string Kinds(const Trace& t) {
  std::string out;
  for (const auto& [type, count] : CountByType(t))
    out += (out.empty() ? "" : ", ") + type + " " + std::to_string(count);
  return out;
}

TEST(Overload, TinyBufferLossIsCountedExactly) {
  FANTRACE_REQUIRE_ROOT();
  const int files = Sized(20000, 100000);
  TempDir dir;
  ASSERT_EQ(itest::RunUntraced({itest::Prog("many_files"), "create", dir.path(),
                                std::to_string(files)}).status, 0);
  const std::vector<std::string> burst{RProg("open_burst"), dir.path(), std::to_string(files)};

  // The same workload with room to spare (200,000 unmerged events are
  // 22 MB): every event it generates.
  Trace all = TracedRun(burst, {"--no-merge", "--buffer-size", "64M"}).Finish();
  ASSERT_EQ(all.status, 0) << all.err;
  ASSERT_EQ(all.Summary().value("lost", -1L), 0) << "the 64M buffer lost events";
  const long generated = DeliveredEvents(all);
  ASSERT_GE(generated, 2L * files + 2) << "an open and a close per file, an exec, an exit";

  // Reader at nice 19 and the workload at nice -20, both on CPU 0.
  Trace t = TracedRun(burst, {"--no-merge", "--buffer-size", "64K"},
                      {"taskset", "-c", "0", "nice", "-n", "19"})
                .Finish();
  ASSERT_EQ(t.status, 0) << "loss does not change the exit status\n" << t.err;
  const long lost = t.Summary().value("lost", -1L);
  const long delivered = DeliveredEvents(t);
  RecordProperty("generated", std::to_string(generated));
  RecordProperty("delivered", std::to_string(delivered));
  RecordProperty("lost", std::to_string(lost));
  EXPECT_GT(lost, 0) << "nothing was lost: the test did not overload the buffer";
  EXPECT_EQ(LostInEvents(t), lost) << "the lost lines add up to the summary";
  EXPECT_EQ(t.Summary()["events"].value("lost", -1L), static_cast<long>(t.Events("lost").size()));
  // Exact: every event generated was delivered or counted as lost (the
  // reader's internal end-of-tree marker is not counted). The kinds come
  // first: a CI log that cuts a failure short keeps its first lines.
  if (lost != generated - delivered)
    ADD_FAILURE() << "generated " << generated << " (" << Kinds(all) << "), delivered " << delivered << " ("
                  << Kinds(t) << "), lost " << lost << "; summary counters " << t.Summary().dump()
                  << "; stderr " << t.err;
  EXPECT_EQ(lost, generated - delivered);
  EXPECT_NE(t.err.find("events were lost"), std::string::npos) << t.err;

  // A close whose open was lost resolves its own path in the kernel.
  for (const Json& close : t.Events("close"))
    EXPECT_FALSE(close.value("path", "").empty()) << close.dump();
  // Only lost events can explain a file missing from "read".
  Paths missing =
      itest::Missing(itest::NumberedFiles(dir, "f_", files), t.ListedUnder("read", dir.path()));
  EXPECT_LE(static_cast<long>(missing.size()), lost);
}

}  // namespace
}  // namespace fantrace::rtest
