// The router decides where a subscriber may start (and when a keyframe request is answered) from
// the VP8 payload header. Under E2EE it only sees what DESIGN.md section 4.7 leaves in the clear,
// so this checks the detection on frames sealed by the real E2EE code, packetized as a browser
// would (RFC 7741 descriptor, then the wire frame split across packets).
#include <gtest/gtest.h>

#include <vector>

#include "e2ee/frame.h"
#include "rtc/rtp/vp8_descriptor.h"
#include "sframe/sframe.h"

namespace umbra::router {
namespace {

constexpr std::uint64_t kKid = 0x1234'0000'0000'0042;

Bytes vp8_frame(bool key, std::size_t size) {
  Bytes frame(size, 0x5a);
  // Frame tag (RFC 6386 section 9.1): bit 0 of byte 0 is 0 for a key frame; a key frame then
  // carries the start code 9d 01 2a and its dimensions.
  frame[0] = key ? 0x50 : 0x51;
  frame[1] = 0x12;
  frame[2] = 0x00;
  if (key) {
    frame[3] = 0x9d;
    frame[4] = 0x01;
    frame[5] = 0x2a;
  }
  return frame;
}

std::vector<Bytes> packetize(ByteSpan wire, std::size_t mtu_payload) {
  std::vector<Bytes> packets;
  for (std::size_t off = 0; off < wire.size(); off += mtu_payload) {
    Bytes p;
    p.push_back(off == 0 ? 0x10 : 0x00);  // S=1, PID=0 on the first packet only
    const auto chunk = wire.subspan(off, std::min(mtu_payload, wire.size() - off));
    p.insert(p.end(), chunk.begin(), chunk.end());
    packets.push_back(std::move(p));
  }
  return packets;
}

Bytes seal(bool key) {
  sframe::Context ctx(e2ee::kCipherSuite);
  ctx.add_key(kKid, Bytes(16, 0x07));
  const Bytes frame = vp8_frame(key, 3000);
  Bytes wire(frame.size() + e2ee::kMaxWireOverhead);
  const auto n = e2ee::seal_frame(ctx, kKid, e2ee::Codec::kVp8, frame, wire);
  EXPECT_TRUE(n);
  wire.resize(n.ok() ? *n : 0);
  return wire;
}

TEST(Vp8E2eeKeyframe, AnEncryptedKeyFrameIsDetectedFromItsClearPrefix) {
  const Bytes wire = seal(true);
  const auto packets = packetize(wire, 1100);
  ASSERT_GE(packets.size(), 3u);
  const auto first = rtc::rtp::parse_vp8_descriptor(packets[0]);
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->starts_frame());
  EXPECT_TRUE(first->key_frame);
  for (std::size_t i = 1; i < packets.size(); ++i) {
    const auto d = rtc::rtp::parse_vp8_descriptor(packets[i]);
    ASSERT_TRUE(d);
    EXPECT_FALSE(d->starts_frame()) << "only the first packet may count as a keyframe start";
  }
}

TEST(Vp8E2eeKeyframe, AnEncryptedDeltaFrameIsNotAKeyFrame) {
  const auto packets = packetize(seal(false), 1100);
  const auto first = rtc::rtp::parse_vp8_descriptor(packets[0]);
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->starts_frame());
  EXPECT_FALSE(first->key_frame);
}

TEST(Vp8E2eeKeyframe, TheRouterSeesTheClearPrefixButNotTheRest) {
  const Bytes plain = vp8_frame(true, 3000);
  const Bytes wire = seal(true);
  EXPECT_TRUE(std::equal(plain.begin(), plain.begin() + 10, wire.begin())) << "key frame prefix is clear";
  EXPECT_FALSE(std::equal(plain.begin() + 10, plain.begin() + 40, wire.begin() + 10 + 10))
      << "the rest is ciphertext";
}

}  // namespace
}  // namespace umbra::router
