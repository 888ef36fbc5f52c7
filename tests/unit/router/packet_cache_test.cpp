#include "router/packet_cache.h"

#include <gtest/gtest.h>

namespace umbra::router {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0{};

Bytes packet(std::uint8_t fill) {
  return Bytes(100, fill);
}

TEST(PacketCache, ReturnsTheExactPacketForASeq) {
  PacketCache cache;
  const Bytes p = packet(7);
  cache.insert(42, p, kT0);
  const auto found = cache.find(42, kT0 + 10ms);
  ASSERT_TRUE(found);
  EXPECT_EQ(Bytes(found->begin(), found->end()), p);
  EXPECT_FALSE(cache.find(43, kT0));
}

TEST(PacketCache, HoldsASecondOfHighRateVideoAcrossTheWrap) {
  PacketCache cache;
  // 2000 packets in one second (about 19 Mbit/s of 1200-byte packets), wrapping at 65535.
  const std::uint16_t first = 65000;
  for (int i = 0; i < 2000; ++i) {
    cache.insert(static_cast<std::uint16_t>(first + i), packet(static_cast<std::uint8_t>(i)),
                 kT0 + i * 500us);
  }
  const TimePoint now = kT0 + 1s;
  for (int i = 0; i < 2000; ++i) {
    const auto found = cache.find(static_cast<std::uint16_t>(first + i), now);
    ASSERT_TRUE(found) << i;
    EXPECT_EQ((*found)[0], static_cast<std::uint8_t>(i));
  }
}

TEST(PacketCache, DoesNotConfuseASeqWithOneThatWrappedOntoTheSameSlot) {
  PacketCache cache(16);
  cache.insert(5, packet(1), kT0);
  cache.insert(21, packet(2), kT0);
  EXPECT_FALSE(cache.find(5, kT0));
  ASSERT_TRUE(cache.find(21, kT0));
}

TEST(PacketCache, ForgetsPacketsTooOldToBeUseful) {
  PacketCache cache(2048, 1s);
  cache.insert(1, packet(1), kT0);
  EXPECT_TRUE(cache.find(1, kT0 + 1s));
  EXPECT_FALSE(cache.find(1, kT0 + 1001ms));
}

}  // namespace
}  // namespace umbra::router
