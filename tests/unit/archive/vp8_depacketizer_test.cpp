#include "archive/vp8_depacketizer.h"

#include <gtest/gtest.h>

#include "unit/archive/rtp_packetizer.h"

namespace umbra::archive {
namespace {

using testing::fake_vp8_delta_frame;
using testing::fake_vp8_key_frame;
using testing::TestPacketizer;

struct Feed {
  Vp8Depacketizer depacketizer;
  std::vector<EncodedFrame> frames;

  void push(Bytes bytes, bool after_loss = false) {
    auto packet = rtc::rtp::RtpPacket::parse(bytes);
    ASSERT_TRUE(packet.ok()) << packet.error();
    if (auto frame = depacketizer.push(*packet, after_loss)) frames.push_back(std::move(*frame));
  }
  void push_all(std::vector<Bytes> packets) {
    for (auto& p : packets) push(std::move(p));
  }
};

TEST(Vp8Depacketizer, ReassemblesAFrameSplitOverPackets) {
  TestPacketizer packetizer(96, 1);
  const Bytes key = fake_vp8_key_frame(2500);
  Feed feed;
  auto packets = packetizer.vp8(key, 3000, 1000);
  ASSERT_EQ(packets.size(), 3U);
  feed.push_all(packets);
  ASSERT_EQ(feed.frames.size(), 1U);
  EXPECT_EQ(feed.frames[0].data, key);
  EXPECT_TRUE(feed.frames[0].key_frame);
  EXPECT_EQ(feed.frames[0].rtp_timestamp, 12345U + 3000U);
  EXPECT_FALSE(feed.depacketizer.wants_key_frame());
}

TEST(Vp8Depacketizer, WantsAKeyFrameBeforeTheFirstOne) {
  TestPacketizer packetizer(96, 1);
  Feed feed;
  EXPECT_TRUE(feed.depacketizer.wants_key_frame());
  feed.push_all(packetizer.vp8(fake_vp8_delta_frame(), 0));
  EXPECT_TRUE(feed.frames.empty());
  EXPECT_TRUE(feed.depacketizer.wants_key_frame());
  EXPECT_EQ(feed.depacketizer.frames_dropped(), 1U);
  feed.push_all(packetizer.vp8(fake_vp8_key_frame(), 3000));
  feed.push_all(packetizer.vp8(fake_vp8_delta_frame(), 6000));
  ASSERT_EQ(feed.frames.size(), 2U);
  EXPECT_TRUE(feed.frames[0].key_frame);
  EXPECT_FALSE(feed.frames[1].key_frame);
}

TEST(Vp8Depacketizer, DropsAFrameWithALostPacketAndWaitsForAKeyFrame) {
  TestPacketizer packetizer(96, 1);
  Feed feed;
  feed.push_all(packetizer.vp8(fake_vp8_key_frame(), 0));
  auto delta = packetizer.vp8(fake_vp8_delta_frame(2500), 3000, 1000);
  feed.push(delta[0]);
  feed.push(delta[2], /*after_loss=*/true);  // delta[1] lost
  EXPECT_TRUE(feed.depacketizer.wants_key_frame());
  feed.push_all(packetizer.vp8(fake_vp8_delta_frame(), 6000));  // references the lost frame
  EXPECT_EQ(feed.frames.size(), 1U);
  feed.push_all(packetizer.vp8(fake_vp8_key_frame(), 9000));
  ASSERT_EQ(feed.frames.size(), 2U);
  EXPECT_TRUE(feed.frames[1].key_frame);
  EXPECT_FALSE(feed.depacketizer.wants_key_frame());
}

TEST(Vp8Depacketizer, DropsAFrameWhoseMarkerNeverCame) {
  TestPacketizer packetizer(96, 1);
  Feed feed;
  feed.push_all(packetizer.vp8(fake_vp8_key_frame(), 0));
  auto delta = packetizer.vp8(fake_vp8_delta_frame(1500), 3000, 1000);
  feed.push(delta[0]);  // the end of the frame never arrives, but the next frame starts
  feed.push_all(packetizer.vp8(fake_vp8_key_frame(), 6000));
  ASSERT_EQ(feed.frames.size(), 2U);
  EXPECT_EQ(feed.frames[1].rtp_timestamp, 12345U + 6000U);
  EXPECT_EQ(feed.depacketizer.frames_dropped(), 1U);
}

TEST(Vp8Depacketizer, IgnoresTheTailOfAFrameWhoseStartItNeverSaw) {
  TestPacketizer packetizer(96, 1);
  Feed feed;
  auto key = packetizer.vp8(fake_vp8_key_frame(2500), 0, 1000);
  feed.push(key[1]);
  feed.push(key[2]);
  EXPECT_TRUE(feed.frames.empty());
  feed.push_all(packetizer.vp8(fake_vp8_key_frame(), 3000));
  EXPECT_EQ(feed.frames.size(), 1U);
}

TEST(Vp8Depacketizer, TreatsAKeyFrameWithoutStartCodeAsCorrupt) {
  TestPacketizer packetizer(96, 1);
  Feed feed;
  Bytes broken = fake_vp8_key_frame();
  broken[3] = 0;  // P says key frame, but no start code: never a valid first frame for a file
  feed.push_all(packetizer.vp8(broken, 0));
  EXPECT_TRUE(feed.frames.empty());
  EXPECT_TRUE(feed.depacketizer.wants_key_frame());
}

TEST(Vp8Depacketizer, DropsAMalformedDescriptor) {
  TestPacketizer packetizer(96, 1);
  Feed feed;
  feed.push_all(packetizer.vp8(fake_vp8_key_frame(), 0));
  const Bytes truncated = {0x80};  // X set, extension byte missing
  feed.push(packetizer.packet(truncated, 3000, true));
  EXPECT_EQ(feed.frames.size(), 1U);
  EXPECT_TRUE(feed.depacketizer.wants_key_frame());
}

TEST(Vp8Depacketizer, APaddingOnlyPacketBreaksNothing) {
  TestPacketizer packetizer(96, 1);
  Feed feed;
  feed.push_all(packetizer.vp8(fake_vp8_key_frame(), 0));
  feed.push(packetizer.packet({}, 0, false));  // padding-only probe on the media SSRC
  feed.push_all(packetizer.vp8(fake_vp8_delta_frame(), 3000));
  EXPECT_EQ(feed.frames.size(), 2U);
  EXPECT_FALSE(feed.depacketizer.wants_key_frame());
}

TEST(Vp8KeyFrameSize, ReadsThePictureSize) {
  const auto size = vp8_key_frame_size(fake_vp8_key_frame());
  ASSERT_TRUE(size.has_value());
  EXPECT_EQ(size->width, 320);
  EXPECT_EQ(size->height, 240);
  EXPECT_FALSE(vp8_key_frame_size(fake_vp8_delta_frame()).has_value());
  EXPECT_FALSE(vp8_key_frame_size(ByteSpan(fake_vp8_key_frame()).first(9)).has_value());
}

}  // namespace
}  // namespace umbra::archive
