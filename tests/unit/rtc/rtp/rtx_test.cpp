#include "rtc/rtp/rtx.h"

#include <gtest/gtest.h>

#include "rtc/rtp/header.h"

namespace umbra::rtc::rtp {
namespace {

Bytes original_packet(std::uint8_t padding) {
  RtpHeader h;
  h.marker = true;
  h.payload_type = 96;
  h.sequence_number = 4660;
  h.timestamp = 90000;
  h.ssrc = 0x11111111;
  h.extensions = {{4, {0x00, 0x01}}};  // e.g. transport-wide sequence number
  return *h.build(Bytes{0xde, 0xad, 0xbe, 0xef}, padding);
}

TEST(Rtx, WrapPutsOriginalSequenceNumberFirstAndKeepsExtensions) {
  Bytes original = original_packet(0);
  const auto p = RtpPacket::parse(original);
  ASSERT_TRUE(p.ok());
  Bytes out(rtx_wrapped_size(*p));
  const auto n = rtx_wrap(*p, 97, 0x22222222, 7, out);
  ASSERT_TRUE(n.ok()) << n.error();
  ASSERT_EQ(*n, out.size());
  const auto rtx = RtpPacket::parse(out);
  ASSERT_TRUE(rtx.ok());
  EXPECT_EQ(rtx->payload_type(), 97);
  EXPECT_EQ(rtx->ssrc(), 0x22222222u);
  EXPECT_EQ(rtx->sequence_number(), 7);
  EXPECT_EQ(rtx->timestamp(), 90000u);
  EXPECT_TRUE(rtx->marker());
  EXPECT_EQ(Bytes(rtx->payload().begin(), rtx->payload().end()), (Bytes{0x12, 0x34, 0xde, 0xad, 0xbe, 0xef}));
  ASSERT_TRUE(rtx->extension(4));
  EXPECT_EQ((*rtx->extension(4))[1], 0x01);
}

TEST(Rtx, UnwrapGivesTheOriginalBackWithoutItsPadding) {
  Bytes original = original_packet(4);
  const auto p = RtpPacket::parse(original);
  ASSERT_TRUE(p.ok());
  Bytes wrapped(rtx_wrapped_size(*p));
  ASSERT_TRUE(rtx_wrap(*p, 97, 0x22222222, 7, wrapped).ok());
  const auto rtx = RtpPacket::parse(wrapped);
  ASSERT_TRUE(rtx.ok());
  Bytes unwrapped(wrapped.size());
  const auto n = rtx_unwrap(*rtx, 96, 0x11111111, unwrapped);
  ASSERT_TRUE(n.ok()) << n.error();
  unwrapped.resize(*n);
  EXPECT_EQ(unwrapped, original_packet(0));
}

TEST(Rtx, UnwrapRejectsPacketWithoutOriginalSequenceNumber) {
  RtpHeader h;
  h.payload_type = 97;
  Bytes probe = *h.build(Bytes{0x01});
  const auto p = RtpPacket::parse(probe);
  ASSERT_TRUE(p.ok());
  Bytes out(64);
  EXPECT_FALSE(rtx_unwrap(*p, 96, 1, out).ok());
}

TEST(Rtx, RefusesTooSmallOutputBuffers) {
  Bytes original = original_packet(0);
  const auto p = RtpPacket::parse(original);
  ASSERT_TRUE(p.ok());
  Bytes small(rtx_wrapped_size(*p) - 1);
  EXPECT_FALSE(rtx_wrap(*p, 97, 2, 3, small).ok());
}

}  // namespace
}  // namespace umbra::rtc::rtp
