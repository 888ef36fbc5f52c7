#include "router/nack_generator.h"

#include <gtest/gtest.h>

namespace umbra::router {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0{};

TEST(NackGenerator, NacksTheSequenceNumbersOfAGapAtOnce) {
  NackGenerator gen;
  EXPECT_EQ(gen.on_packet(100, kT0), NackGenerator::Received::kInOrder);
  EXPECT_EQ(gen.on_packet(101, kT0), NackGenerator::Received::kInOrder);
  EXPECT_EQ(gen.on_packet(104, kT0), NackGenerator::Received::kGap);
  EXPECT_EQ(gen.poll(kT0), (std::vector<std::uint16_t>{102, 103}));
  EXPECT_TRUE(gen.poll(kT0 + 1ms).empty()) << "not again before a round trip";
}

TEST(NackGenerator, DetectsLossAcrossTheWrap) {
  NackGenerator gen;
  gen.on_packet(65534, kT0);
  gen.on_packet(1, kT0);
  EXPECT_EQ(gen.poll(kT0), (std::vector<std::uint16_t>{65535, 0}));
}

TEST(NackGenerator, StopsAskingOnceThePacketArrives) {
  NackGenerator gen;
  gen.set_rtt(50ms);
  gen.on_packet(1, kT0);
  gen.on_packet(4, kT0);
  ASSERT_EQ(gen.poll(kT0).size(), 2u);
  EXPECT_EQ(gen.on_packet(2, kT0 + 30ms), NackGenerator::Received::kRecovered);
  EXPECT_EQ(gen.poll(kT0 + 50ms), (std::vector<std::uint16_t>{3}));
  EXPECT_EQ(gen.next_timeout(), kT0 + 100ms);
  EXPECT_EQ(gen.recovered_total(), 1u);
}

TEST(NackGenerator, GivesUpAfterTheRetryLimit) {
  NackGenerator gen;
  gen.set_rtt(20ms);
  gen.on_packet(1, kT0);
  gen.on_packet(3, kT0);
  int asked = 0;
  for (int i = 0; i < 40; ++i) asked += static_cast<int>(gen.poll(kT0 + i * 20ms).size());
  EXPECT_EQ(asked, NackGenerator::kMaxRetries);
  EXPECT_EQ(gen.missing_count(), 0u);
  EXPECT_FALSE(gen.next_timeout());
}

TEST(NackGenerator, AHugeJumpIsNotNackedPacketByPacket) {
  NackGenerator gen;
  gen.on_packet(1, kT0);
  EXPECT_EQ(gen.on_packet(5000, kT0), NackGenerator::Received::kTooLargeGap);
  EXPECT_TRUE(gen.poll(kT0).empty());
}

TEST(NackGenerator, ADuplicateIsReportedAsSuch) {
  NackGenerator gen;
  gen.on_packet(1, kT0);
  gen.on_packet(2, kT0);
  EXPECT_EQ(gen.on_packet(1, kT0), NackGenerator::Received::kLateOrRepeat);
}

}  // namespace
}  // namespace umbra::router
