#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

#include "store/content_hash.h"
#include "store_test_util.h"

namespace fantrace::store {
namespace {

using testing::ScratchDir;
using testing::Write;

TEST(ContentHash, SmallFileHashEqualsHashOfItsBytes) {
  ScratchDir dir;
  const std::string content = "#!/bin/sh\necho hello\n";
  Write(dir / "a.sh", content);
  Result<std::string> hash = HashPath(dir / "a.sh", HashScheme{});
  ASSERT_TRUE(hash) << hash.error().message;
  EXPECT_EQ(*hash, HashBytes(content));
  EXPECT_TRUE(IsHash(*hash));
  EXPECT_NE(HashBytes(content), HashBytes(content + " "));
}

TEST(ContentHash, StreamingOverManyBuffersEqualsOneShot) {
  ScratchDir dir;
  std::string content;
  for (int i = 0; content.size() < 300'000; ++i) content += std::to_string(i * 7919) + ",";
  Write(dir / "big.csv", content);
  Result<std::string> hash = HashPath(dir / "big.csv", HashScheme{});
  ASSERT_TRUE(hash);
  EXPECT_EQ(*hash, HashBytes(content));
}

TEST(ContentHash, LargeFilesAreSampledInChunksPlusTheSize) {
  ScratchDir dir;
  HashScheme sampled{"xxh3-128", 1000, 4, 10};  // 4 chunks of 10 bytes above 1000 bytes
  std::string content(5000, 'x');
  Write(dir / "f", content);
  Result<std::string> base = HashPath(dir / "f", sampled);
  ASSERT_TRUE(base);
  EXPECT_NE(*base, HashBytes(content)) << "not hashed whole";

  std::string unsampled = content;
  unsampled[500] = 'y';  // between the chunks at 0, 1663, 3326, 4990
  Write(dir / "f", unsampled);
  EXPECT_EQ(*HashPath(dir / "f", sampled), *base) << "bytes between chunks are not read";

  std::string sampled_change = content;
  sampled_change[4995] = 'y';  // inside the last chunk
  Write(dir / "f", sampled_change);
  EXPECT_NE(*HashPath(dir / "f", sampled), *base);

  Write(dir / "f", content + "x");  // the size is part of the hash
  EXPECT_NE(*HashPath(dir / "f", sampled), *base);
}

TEST(ContentHash, FileShorterThanItsStatedSizeIsAnError) {
  ScratchDir dir;
  Write(dir / "f", "abc");
  int fd = open((dir / "f").c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 0);
  Result<std::string> hash = HashFd(fd, 10, HashScheme{});
  close(fd);
  EXPECT_FALSE(hash);
}

TEST(ContentHash, MissingFileIsAnErrorNamingIt) {
  Result<std::string> hash = HashPath("/nonexistent/fantrace-file", HashScheme{});
  ASSERT_FALSE(hash);
  EXPECT_NE(hash.error().message.find("/nonexistent/fantrace-file"), std::string::npos);
}

TEST(ContentHash, IsHashAcceptsOnly32LowercaseHexDigits) {
  EXPECT_TRUE(IsHash("0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(IsHash("0123456789abcdef"));
  EXPECT_FALSE(IsHash("0123456789ABCDEF0123456789abcdef"));
  EXPECT_FALSE(IsHash("gen.sh"));
}

}  // namespace
}  // namespace fantrace::store
