#include "daemon/peer_check.h"

#include <unistd.h>

#include <gtest/gtest.h>

namespace fantrace::daemon {
namespace {

// This test process is its own, dumpable, and not setuid.
TEST(PeerCheck, AUserMayTraceTheirOwnProcess) {
  if (getuid() == 0) {
    EXPECT_TRUE(MayTrace(0, getpid()).ok());
    return;
  }
  Status st = MayTrace(getuid(), getpid());
  EXPECT_TRUE(st.ok()) << st.error().message;
}

TEST(PeerCheck, AnotherUsersProcessIsRefusedInWords) {
  uid_t stranger = getuid() == 12345 ? 12346 : 12345;
  Status st = MayTrace(stranger, getpid());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("belongs to another user"), std::string::npos) << st.error().message;
}

TEST(PeerCheck, AMissingProcessIsRefused) {
  Status st = MayTrace(getuid(), 0x3fffffff);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("no process"), std::string::npos) << st.error().message;
  EXPECT_FALSE(MayTrace(getuid(), -1).ok());
}

}  // namespace
}  // namespace fantrace::daemon
