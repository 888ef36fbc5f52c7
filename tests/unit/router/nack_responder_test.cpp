#include "router/nack_responder.h"

#include <gtest/gtest.h>

#include "rtc/rtp/header.h"
#include "rtc/rtp/packet.h"
#include "rtc/rtp/rtx.h"

namespace umbra::router {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0{};
constexpr std::uint32_t kProducerSsrc = 0x11111111;
const ConsumerRtpParams kConsumer{0x22222222, 96, 0x33333333, 97};

Bytes producer_packet(std::uint16_t seq, std::uint32_t ts) {
  rtc::rtp::RtpHeader h;
  h.payload_type = 100;
  h.sequence_number = seq;
  h.timestamp = ts;
  h.ssrc = kProducerSsrc;
  const Bytes payload(50, static_cast<std::uint8_t>(seq));
  return h.build(payload).value();
}

// A producer stream of 10 packets forwarded to one consumer, as the router would do it.
struct Fixture {
  PacketCache cache;
  RtpRewriter rewriter{90000, 4000, 1'000'000};
  Fixture() {
    for (std::uint16_t s = 65530; s != 4; ++s) {
      const Bytes p = producer_packet(s, 3000u * s);
      cache.insert(s, p, kT0);
      EXPECT_TRUE(rewriter.rewrite(kProducerSsrc, s, 3000u * s, kT0));
    }
  }
};

TEST(NackResponder, AnswersWithAnRtxPacketCarryingTheConsumersNumbering) {
  Fixture f;
  NackResponder responder(kConsumer, 700);
  std::vector<Bytes> out;
  const std::uint16_t nacked[] = {4003};  // the consumer's 4th packet, producer seq 65533
  ASSERT_EQ(responder.answer(nacked, f.rewriter, f.cache, kT0 + 10ms, out), 1u);

  Bytes rtx_bytes = out[0];
  const auto rtx = rtc::rtp::RtpPacket::parse(rtx_bytes);
  ASSERT_TRUE(rtx);
  EXPECT_EQ(rtx->ssrc(), *kConsumer.rtx_ssrc);
  EXPECT_EQ(rtx->payload_type(), kConsumer.rtx_payload_type);
  EXPECT_EQ(rtx->sequence_number(), 700);

  Bytes original(rtx_bytes.size());
  const auto n = rtc::rtp::rtx_unwrap(*rtx, kConsumer.payload_type, kConsumer.ssrc, original);
  ASSERT_TRUE(n);
  original.resize(*n);
  const auto p = rtc::rtp::RtpPacket::parse(original);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->sequence_number(), 4003);
  EXPECT_EQ(p->timestamp(), f.rewriter.map_timestamp(3000u * 65533u));
  EXPECT_EQ(Bytes(p->payload().begin(), p->payload().end()), Bytes(50, static_cast<std::uint8_t>(65533)));
}

TEST(NackResponder, ResendsAsAPlainRepeatWithoutRtx) {
  Fixture f;
  NackResponder responder({kConsumer.ssrc, kConsumer.payload_type, std::nullopt, 0}, 0);
  std::vector<Bytes> out;
  const std::uint16_t nacked[] = {4009};  // producer seq 3, after the wrap
  ASSERT_EQ(responder.answer(nacked, f.rewriter, f.cache, kT0, out), 1u);
  const auto p = rtc::rtp::RtpPacket::parse(out[0]);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ssrc(), kConsumer.ssrc);
  EXPECT_EQ(p->sequence_number(), 4009);
  EXPECT_EQ(p->payload_type(), kConsumer.payload_type);
}

TEST(NackResponder, DoesNotResendTheSamePacketWithinARoundTrip) {
  Fixture f;
  NackResponder responder(kConsumer, 0);
  responder.set_rtt(50ms);
  std::vector<Bytes> out;
  const std::uint16_t nacked[] = {4001, 4002};
  EXPECT_EQ(responder.answer(nacked, f.rewriter, f.cache, kT0, out), 2u);
  EXPECT_EQ(responder.answer(nacked, f.rewriter, f.cache, kT0 + 20ms, out), 0u);
  EXPECT_EQ(responder.answer(nacked, f.rewriter, f.cache, kT0 + 60ms, out), 2u);
  const auto a = rtc::rtp::RtpPacket::parse(out[2]);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->sequence_number(), 2) << "every RTX packet takes the next RTX sequence number";
}

TEST(NackResponder, IgnoresPacketsItNeverSentOrNoLongerHolds) {
  Fixture f;
  NackResponder responder(kConsumer, 0);
  std::vector<Bytes> out;
  const std::uint16_t never_sent[] = {3999, 4010};
  EXPECT_EQ(responder.answer(never_sent, f.rewriter, f.cache, kT0, out), 0u);
  const std::uint16_t too_old[] = {4001};
  EXPECT_EQ(responder.answer(too_old, f.rewriter, f.cache, kT0 + 10s, out), 0u);
  EXPECT_EQ(responder.missing_total(), 3u);
}

}  // namespace
}  // namespace umbra::router
