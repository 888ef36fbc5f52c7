#include "router/twcc_recorder.h"

#include <gtest/gtest.h>

namespace umbra::router {
namespace {

using namespace std::chrono_literals;
using Status = rtc::rtcp::TransportCc::Status;

const TimePoint kT0 = TimePoint{} + 10s;

TEST(TwccRecorder, ReportsEachArrivalAndEachLoss) {
  TwccRecorder rec;
  rec.on_packet(100, kT0);
  rec.on_packet(101, kT0 + 1ms);
  rec.on_packet(103, kT0 + 3ms);  // 102 lost
  const auto fb = rec.poll(1, 2);
  ASSERT_EQ(fb.size(), 1u);
  EXPECT_EQ(fb[0].base_sequence, 100);
  ASSERT_EQ(fb[0].packets.size(), 4u);
  EXPECT_NE(fb[0].packets[0].status, Status::kNotReceived);
  EXPECT_EQ(fb[0].packets[2].status, Status::kNotReceived);
  const auto times = fb[0].arrival_times_us();
  ASSERT_TRUE(times[1] && times[0]);
  EXPECT_EQ(*times[1] - *times[0], 1000);
  EXPECT_EQ(*times[3] - *times[1], 2000);
}

TEST(TwccRecorder, ContinuesWhereTheLastFeedbackEndedAcrossTheWrap) {
  TwccRecorder rec;
  rec.on_packet(65534, kT0);
  ASSERT_EQ(rec.poll(1, 2).size(), 1u);
  EXPECT_TRUE(rec.poll(1, 2).empty()) << "nothing new";
  rec.on_packet(1, kT0 + 5ms);  // 65535 and 0 lost
  const auto fb = rec.poll(1, 2);
  ASSERT_EQ(fb.size(), 1u);
  EXPECT_EQ(fb[0].base_sequence, 65535);
  EXPECT_EQ(fb[0].packets.size(), 3u);
  EXPECT_EQ(fb[0].feedback_count, 1);
}

TEST(TwccRecorder, SplitsLongRunsIntoSeveralFeedbackPackets) {
  TwccRecorder rec;
  for (int i = 0; i < 1200; ++i) rec.on_packet(static_cast<std::uint16_t>(i), kT0 + i * 100us);
  const auto fb = rec.poll(1, 2);
  ASSERT_EQ(fb.size(), 3u);
  EXPECT_EQ(fb[1].base_sequence, 500);
  EXPECT_EQ(fb[2].packets.size(), 200u);
}

TEST(TwccRecorder, IgnoresPacketsAlreadyReported) {
  TwccRecorder rec;
  rec.on_packet(10, kT0);
  rec.on_packet(12, kT0);
  (void)rec.poll(1, 2);
  rec.on_packet(11, kT0 + 1ms);  // reported lost already
  EXPECT_TRUE(rec.poll(1, 2).empty());
}

}  // namespace
}  // namespace umbra::router
