#include "router/rtp_rewriter.h"

#include <gtest/gtest.h>

namespace umbra::router {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0{};

TEST(RtpRewriter, StartsAtTheChosenInitialNumbers) {
  RtpRewriter rw(90000, 1000, 5000);
  const auto out = rw.rewrite(0xAAAA, 40000, 123456, kT0);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->seq, 1000);
  EXPECT_EQ(out->timestamp, 5000u);
}

TEST(RtpRewriter, KeepsTheSourcesSpacingAcrossAWrap) {
  RtpRewriter rw(90000, 10, 0);
  ASSERT_TRUE(rw.rewrite(1, 65534, 1000, kT0));
  const auto a = rw.rewrite(1, 65535, 4000, kT0 + 33ms);
  const auto b = rw.rewrite(1, 0, 7000, kT0 + 66ms);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->seq, 11);
  EXPECT_EQ(b->seq, 12);
  EXPECT_EQ(b->timestamp, 6000u);
}

TEST(RtpRewriter, OutOfOrderPacketsKeepTheirRelativeOrder) {
  RtpRewriter rw(90000, 100, 0);
  ASSERT_TRUE(rw.rewrite(1, 10, 0, kT0));
  const auto late = rw.rewrite(1, 12, 0, kT0);
  const auto early = rw.rewrite(1, 11, 0, kT0);
  ASSERT_TRUE(late && early);
  EXPECT_EQ(late->seq, 102);
  EXPECT_EQ(early->seq, 101);
}

TEST(RtpRewriter, SwitchingToAnotherSourceContinuesWithoutAJump) {
  RtpRewriter rw(90000, 500, 90000);
  ASSERT_TRUE(rw.rewrite(1, 100, 1000, kT0));
  ASSERT_TRUE(rw.rewrite(1, 101, 4000, kT0 + 33ms));
  // Another producer with unrelated numbering takes over 100 ms later.
  const auto first = rw.rewrite(2, 60000, 3'000'000'000u, kT0 + 133ms);
  const auto second = rw.rewrite(2, 60001, 3'000'003'000u, kT0 + 166ms);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->seq, 502);
  EXPECT_EQ(second->seq, 503);
  // Last timestamp out was 90000 + 3000; 100 ms at 90 kHz later is 9000 ticks more.
  EXPECT_EQ(first->timestamp, 90000u + 3000u + 9000u);
  EXPECT_EQ(second->timestamp, first->timestamp + 3000u);
}

TEST(RtpRewriter, DropsLatePacketsOfThePreviousSource) {
  RtpRewriter rw(90000, 0, 0);
  ASSERT_TRUE(rw.rewrite(1, 100, 0, kT0));
  ASSERT_TRUE(rw.rewrite(2, 7, 0, kT0 + 10ms));
  EXPECT_FALSE(rw.rewrite(1, 101, 0, kT0 + 20ms)) << "switching back would need a resync decision";
  EXPECT_FALSE(rw.rewrite(2, 6, 0, kT0 + 20ms)) << "older than the new source's first packet";
}

TEST(RtpRewriter, TreatsAHugeJumpOfTheSameSsrcAsANewSource) {
  RtpRewriter rw(48000, 0, 0);
  ASSERT_TRUE(rw.rewrite(1, 100, 960, kT0));
  const auto after = rw.rewrite(1, 30000, 77, kT0 + 20ms);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->seq, 1);
  EXPECT_EQ(after->timestamp, 960u);  // 20 ms at 48 kHz after the last timestamp out (0)
}

TEST(RtpRewriter, ResyncStartsANewMappingOnTheSameSsrc) {
  RtpRewriter rw(90000, 0, 0);
  ASSERT_TRUE(rw.rewrite(1, 100, 0, kT0));
  rw.resync();
  const auto out = rw.rewrite(1, 200, 0, kT0 + 1ms);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->seq, 1);
}

TEST(RtpRewriter, SkippedPacketsLeaveNoHole) {
  RtpRewriter rw(90000, 0, 0);
  ASSERT_TRUE(rw.rewrite(1, 10, 0, kT0));
  rw.skip(1, 11);
  rw.skip(1, 12);
  const auto out = rw.rewrite(1, 13, 0, kT0);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->seq, 1);
  EXPECT_FALSE(rw.rewrite(1, 12, 0, kT0)) << "a skipped packet arriving again is not forwarded";
}

TEST(RtpRewriter, MapsConsumerSequenceNumbersBackForNacks) {
  RtpRewriter rw(90000, 65530, 0);
  for (std::uint16_t s = 20; s < 30; ++s) {
    if (s == 24) {
      rw.skip(1, s);
      continue;
    }
    ASSERT_TRUE(rw.rewrite(1, s, 0, kT0));
  }
  EXPECT_EQ(rw.source_seq(65530), 20);
  EXPECT_EQ(rw.source_seq(65533), 23);
  EXPECT_EQ(rw.source_seq(65534), 25);
  EXPECT_EQ(rw.source_seq(2), 29);     // past the wrap
  EXPECT_FALSE(rw.source_seq(3));      // not sent yet
  EXPECT_FALSE(rw.source_seq(65529));  // before this source
}

}  // namespace
}  // namespace umbra::router
