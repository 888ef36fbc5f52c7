#include "router/receive_stats.h"

#include <gtest/gtest.h>

namespace umbra::router {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0 = TimePoint{} + 10s;

TEST(ReceiveStats, ReportsLossAndTheFractionSinceTheLastReport) {
  ReceiveStats stats(90000);
  for (std::uint16_t s = 65530; s != 10; ++s) {
    if (s == 65535 || s == 3) continue;  // two lost, across the wrap
    stats.on_packet(s, 0, kT0);
  }
  const auto block = stats.report(0x1234, kT0);
  EXPECT_EQ(block.ssrc, 0x1234u);
  EXPECT_EQ(block.cumulative_lost, 2);
  EXPECT_EQ(block.highest_sequence, 65536u + 9u) << "one wrap counted in the extended number";
  EXPECT_EQ(block.fraction_lost, (2 * 256) / 16);
  for (std::uint16_t s = 10; s < 20; ++s) stats.on_packet(s, 0, kT0);
  EXPECT_EQ(stats.report(0x1234, kT0).fraction_lost, 0) << "no loss in the new interval";
}

TEST(ReceiveStats, JitterIsZeroForPerfectlyPacedPackets) {
  ReceiveStats stats(90000);
  for (int i = 0; i < 50; ++i) stats.on_packet(static_cast<std::uint16_t>(i), 3000u * i, kT0 + i * 33'333us);
  EXPECT_LE(stats.report(1, kT0 + 2s).jitter, 1u);
}

TEST(ReceiveStats, EchoesTheLastSenderReport) {
  ReceiveStats stats(90000);
  stats.on_packet(1, 0, kT0);
  stats.on_sender_report(0x0123456789ABCDEFULL, kT0);
  const auto block = stats.report(1, kT0 + 500ms);
  EXPECT_EQ(block.last_sr, 0x456789ABu);
  EXPECT_EQ(block.delay_since_last_sr, 32768u) << "half a second in 1/65536 s";
}

}  // namespace
}  // namespace umbra::router
