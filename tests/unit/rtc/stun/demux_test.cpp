#include "rtc/stun/demux.h"

#include <gtest/gtest.h>

#include "rtc/stun/message.h"

namespace umbra::rtc::stun {
namespace {

TEST(Demux, ClassifiesByFirstByteRanges) {
  EXPECT_EQ(classify_datagram(Bytes{0x00, 0x01}), DatagramKind::kStun);
  EXPECT_EQ(classify_datagram(Bytes{0x03}), DatagramKind::kStun);
  EXPECT_EQ(classify_datagram(Bytes{22, 0xfe, 0xfd}), DatagramKind::kDtls);  // handshake record
  EXPECT_EQ(classify_datagram(Bytes{20}), DatagramKind::kDtls);
  EXPECT_EQ(classify_datagram(Bytes{63}), DatagramKind::kDtls);
  EXPECT_EQ(classify_datagram(Bytes{0x80, 96}), DatagramKind::kRtp);
  EXPECT_EQ(classify_datagram(Bytes{0x90, 0xe0}), DatagramKind::kRtp);  // marker set, PT 96
  EXPECT_EQ(classify_datagram(Bytes{0x81, 200}), DatagramKind::kRtcp);  // SR
  EXPECT_EQ(classify_datagram(Bytes{0x81, 206}), DatagramKind::kRtcp);  // PSFB
  EXPECT_EQ(classify_datagram(Bytes{0xbf, 192}), DatagramKind::kRtcp);
  EXPECT_EQ(classify_datagram(Bytes{0x80, 224}), DatagramKind::kRtp);
}

TEST(Demux, LeavesOtherRangesUnknown) {
  EXPECT_EQ(classify_datagram(Bytes{}), DatagramKind::kUnknown);
  EXPECT_EQ(classify_datagram(Bytes{16}), DatagramKind::kUnknown);    // ZRTP
  EXPECT_EQ(classify_datagram(Bytes{64}), DatagramKind::kUnknown);    // TURN channel
  EXPECT_EQ(classify_datagram(Bytes{0xc0}), DatagramKind::kUnknown);  // version 3
  EXPECT_EQ(classify_datagram(Bytes{0x80}), DatagramKind::kUnknown);  // too short to tell
}

TEST(Demux, IsStunNeedsHeaderAndMagicCookie) {
  const StunMessage m(MessageClass::kRequest, kMethodBinding, TransactionId{});
  EXPECT_TRUE(is_stun(m.bytes()));
  EXPECT_FALSE(is_stun(m.bytes().first(19)));
  Bytes classic(m.bytes().begin(), m.bytes().end());
  classic[4] = 0;
  EXPECT_FALSE(is_stun(classic));
}

}  // namespace
}  // namespace umbra::rtc::stun
