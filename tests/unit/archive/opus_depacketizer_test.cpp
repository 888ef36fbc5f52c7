#include "archive/opus_depacketizer.h"

#include <gtest/gtest.h>

#include "unit/archive/rtp_packetizer.h"

namespace umbra::archive {
namespace {

TEST(OpusDepacketizer, OnePacketIsOneFrame) {
  testing::TestPacketizer packetizer(111, 7);
  const Bytes opus = {0x78, 1, 2, 3};
  Bytes bytes = packetizer.opus(opus, 960);
  auto packet = rtc::rtp::RtpPacket::parse(bytes);
  ASSERT_TRUE(packet.ok());
  OpusDepacketizer depacketizer;
  const auto frame = depacketizer.push(*packet);
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->data, opus);
  EXPECT_EQ(frame->rtp_timestamp, 12345U + 960U);
  EXPECT_TRUE(frame->key_frame);
}

TEST(OpusDepacketizer, AnEmptyPacketCarriesNoAudio) {
  testing::TestPacketizer packetizer(111, 7);
  Bytes bytes = packetizer.opus({}, 0);
  auto packet = rtc::rtp::RtpPacket::parse(bytes);
  ASSERT_TRUE(packet.ok());
  OpusDepacketizer depacketizer;
  EXPECT_FALSE(depacketizer.push(*packet).has_value());
}

TEST(OpusToc, ReadsChannelsAndDuration) {
  // RFC 6716 section 3.1: config 15 (Hybrid FB 20 ms), s=1, c=0.
  const Bytes stereo_20ms = {static_cast<std::uint8_t>((15 << 3) | 0x04 | 0), 0};
  EXPECT_EQ(opus_channels(stereo_20ms), 2);
  EXPECT_EQ(opus_packet_samples(stereo_20ms), 960);
  // config 1 (SILK NB 20 ms), mono, c=1: two frames.
  const Bytes two_frames = {static_cast<std::uint8_t>((1 << 3) | 0x01), 0};
  EXPECT_EQ(opus_channels(two_frames), 1);
  EXPECT_EQ(opus_packet_samples(two_frames), 1920);
  // config 16 (CELT NB 2.5 ms), c=3 with 4 frames.
  const Bytes four_frames = {static_cast<std::uint8_t>((16 << 3) | 0x03), 4};
  EXPECT_EQ(opus_packet_samples(four_frames), 480);
  const Bytes truncated = {static_cast<std::uint8_t>((16 << 3) | 0x03)};
  EXPECT_EQ(opus_packet_samples(truncated), 0);
  EXPECT_EQ(opus_packet_samples({}), 0);
}

}  // namespace
}  // namespace umbra::archive
