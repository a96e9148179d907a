#include "lib/progress.h"

#include <fcntl.h>
#include <pty.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace fantrace {
namespace {

TEST(Progress, LineCountsItemsAndBytes) {
  EXPECT_EQ(Progress::Line("hashing files", 3, 10, 0), "fantrace: hashing files 3/10");
  EXPECT_EQ(Progress::Line("hashing files", 3, 10, 4u << 20), "fantrace: hashing files 3/10, 4.0 MiB");
  EXPECT_EQ(Progress::Line("packing", 7, 0, 512), "fantrace: packing 7, 512 B");
}

// Not a terminal: nothing is ever written, however long the work takes.
TEST(Progress, StaysQuietWhenNotOnATerminal) {
  FILE* out = tmpfile();
  ASSERT_NE(out, nullptr);
  {
    Progress progress("hashing files", 1000, out);
    EXPECT_FALSE(progress.enabled());
    for (int i = 0; i < 1000; ++i) progress.Step(4096);
  }
  EXPECT_EQ(ftell(out), 0);
  fclose(out);
}

// On a terminal: quiet for the first half second, then the line, erased
// at the end.
TEST(Progress, DrawsOnATerminalAfterADelayAndErasesItself) {
  int master = -1, slave = -1;
  ASSERT_EQ(openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
  FILE* out = fdopen(slave, "w");
  ASSERT_NE(out, nullptr);
  fcntl(master, F_SETFL, O_NONBLOCK);
  auto drain = [&] {
    std::string text;
    char buf[512];
    for (ssize_t n; (n = read(master, buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
    return text;
  };
  {
    Progress progress("hashing files", 3, out);
    EXPECT_TRUE(progress.enabled());
    progress.Step(10);
    EXPECT_EQ(drain(), "") << "short work shows nothing";
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    progress.Step(10);
    EXPECT_NE(drain().find("fantrace: hashing files 2/3, 20 B"), std::string::npos);
  }
  EXPECT_EQ(drain(), "\r\033[K");
  fclose(out);
  close(master);
}

}  // namespace
}  // namespace fantrace
