#include "lib/daemon_protocol.h"

#include <gtest/gtest.h>

namespace fantrace {
namespace {

TEST(DaemonProtocol, FramesComeBackWholeFromAnyCutOfTheStream) {
  std::string stream;
  AppendFrame(stream, FrameKind::kRequest, R"({"op":"trace","pid":1})");
  AppendFrame(stream, FrameKind::kRecord, std::string("\0\1\2", 3));
  AppendFrame(stream, FrameKind::kEnd, "{}");
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    FrameReader reader(kMaxFrame);
    reader.Feed(stream.data(), cut);
    std::vector<Frame> frames;
    auto take = [&] {
      while (true) {
        Result<std::optional<Frame>> f = reader.Next();
        ASSERT_TRUE(f.ok()) << f.error().message;
        if (!*f) return;
        frames.push_back(std::move(**f));
      }
    };
    take();
    reader.Feed(stream.data() + cut, stream.size() - cut);
    take();
    ASSERT_EQ(frames.size(), 3u) << "cut at " << cut;
    EXPECT_EQ(frames[0].kind, FrameKind::kRequest);
    EXPECT_EQ(frames[0].payload, R"({"op":"trace","pid":1})");
    EXPECT_EQ(frames[1].payload, std::string("\0\1\2", 3));
    EXPECT_EQ(frames[2].kind, FrameKind::kEnd);
  }
}

TEST(DaemonProtocol, OversizedZeroLengthAndUnknownFramesAreErrors) {
  FrameReader big(16);
  std::string frame;
  AppendFrame(frame, FrameKind::kRequest, std::string(100, 'x'));
  big.Feed(frame.data(), frame.size());
  EXPECT_FALSE(big.Next().ok());

  FrameReader zero(kMaxFrame);
  zero.Feed("\0\0\0\0\1", 5);
  EXPECT_FALSE(zero.Next().ok());

  FrameReader unknown(kMaxFrame);
  unknown.Feed("\2\0\0\0\x63x", 6);
  EXPECT_FALSE(unknown.Next().ok());
}

TEST(DaemonProtocol, CountersSurviveTheTrip) {
  TraceCounters c;
  c.lost = 7;
  c.merged = 3;
  c.emitted = 1000;
  c.filtered_unwritten = 2;
  Result<TraceCounters> back = CountersFromJson(CountersToJson(c));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->lost, 7u);
  EXPECT_EQ(back->merged, 3u);
  EXPECT_EQ(back->emitted, 1000u);
  EXPECT_EQ(back->filtered_unwritten, 2u);
  EXPECT_FALSE(CountersFromJson("not json").ok());
}

TEST(DaemonProtocol, SessionOptionsSurviveTheTripAndBadTypesAreRefused) {
  TraceOptions o;
  o.event_mask = 0x30;
  o.merge = false;
  o.only_written = true;
  Result<TraceOptions> back = SessionOptionsFromJson(SessionOptionsToJson(o));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->event_mask, 0x30u);
  EXPECT_FALSE(back->merge);
  EXPECT_TRUE(back->regular_only);
  EXPECT_TRUE(back->only_written);
  EXPECT_TRUE(SessionOptionsFromJson(nlohmann::json()).ok()) << "no options: the defaults";
  EXPECT_FALSE(SessionOptionsFromJson(nlohmann::json::parse(R"({"merge":"no"})")).ok());
  EXPECT_FALSE(SessionOptionsFromJson(nlohmann::json::parse(R"({"events":-1})")).ok());
  EXPECT_FALSE(SessionOptionsFromJson(nlohmann::json::parse(R"({"events":4294967296})")).ok());
  EXPECT_FALSE(SessionOptionsFromJson(nlohmann::json::parse("[1]")).ok());
  o.include = {"/a", "/b"};
  o.exclude = {"/c"};
  Result<TraceOptions> paths = SessionOptionsFromJson(SessionOptionsToJson(o));
  ASSERT_TRUE(paths.ok());
  EXPECT_EQ(paths->include, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_EQ(paths->exclude, (std::vector<std::string>{"/c"}));
  EXPECT_FALSE(SessionOptionsFromJson(nlohmann::json::parse(R"({"include":"/a"})")).ok());
  EXPECT_FALSE(SessionOptionsFromJson(nlohmann::json::parse(R"({"exclude":[1]})")).ok());
}

TEST(DaemonProtocol, SocketPathComesFromTheEnvironment) {
  setenv("FANTRACE_SOCKET", "/tmp/x.sock", 1);
  EXPECT_EQ(DaemonSocketPath(), "/tmp/x.sock");
  unsetenv("FANTRACE_SOCKET");
  EXPECT_EQ(DaemonSocketPath(), kDefaultDaemonSocket);
}

TEST(DaemonProtocol, CheckDaemonSocketSaysWhatIsWrong) {
  Status missing = CheckDaemonSocket("/nonexistent/fantrace.sock");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("sudo fantraced"), std::string::npos);
  Status not_socket = CheckDaemonSocket("/etc/hostname");
  ASSERT_FALSE(not_socket.ok());
  EXPECT_NE(not_socket.error().message.find("not a socket"), std::string::npos);
}

}  // namespace
}  // namespace fantrace
