// The room end to end over an in-memory network: native peers (the src/client stack) publish and
// subscribe through WebRtcTransports behind one UdpMux, with simulated time and loss.
#include "router/room.h"

#include <gtest/gtest.h>

#include <set>

#include "client/peer_transport.h"
#include "client/rtp_sender.h"
#include "room_harness.h"
#include "rtc/rtcp/packet.h"
#include "rtc/rtp/header.h"

namespace umbra::router {
namespace {

using namespace std::chrono_literals;

constexpr std::uint32_t kVideoSsrc = 0x1111;
constexpr std::uint32_t kVideoRtxSsrc = 0x1112;

struct Peer : testing::RoomPeer {
  using RoomPeer::RoomPeer;
  std::optional<client::RtpSender> sender;
  std::vector<Bytes> payloads;
  std::vector<std::uint16_t> seqs;
  std::vector<std::uint32_t> ssrcs;

  void on_rtp(rtc::rtp::RtpPacket& p, TimePoint) override {
    payloads.emplace_back(p.payload().begin(), p.payload().end());
    seqs.push_back(p.sequence_number());
    ssrcs.push_back(p.ssrc());
  }
  void on_rtcp(ByteSpan compound, TimePoint) override {
    if (!sender) return;
    for (Bytes& resend : sender->handle_rtcp(compound)) transport.send_rtp(resend);
  }
};

struct Harness : testing::RoomHarness<Peer> {
  Peer& publisher() {
    Peer& pub = add_peer();
    pub.sender.emplace(client::RtpSenderParams{kVideoSsrc, 96, kVideoRtxSsrc, 97});
    ProducerParams params;
    params.kind = MediaKind::kVideo;
    params.ssrc = kVideoSsrc;
    params.rtx_ssrc = kVideoRtxSsrc;
    params.payload_type = 96;
    params.rtx_payload_type = 97;
    params.keyframe_codec = KeyframeCodec::kVp8;
    EXPECT_TRUE(room.add_producer(pub.transport_id, "video", params));
    return pub;
  }

  Peer& subscriber(std::uint32_t ssrc) {
    Peer& sub = add_peer();
    EXPECT_TRUE(room.add_consumer(sub.transport_id, "c" + std::to_string(ssrc), "video",
                                  {ssrc, 100, ssrc + 1, 101}, false, now));
    return sub;
  }

  // A VP8 packet: descriptor (S bit on the first packet of a frame), then the frame's bytes.
  void send_vp8(Peer& pub, bool frame_start, bool key, std::uint32_t index, std::uint32_t ts) {
    Bytes payload = {static_cast<std::uint8_t>(frame_start ? 0x10 : 0x00),
                     static_cast<std::uint8_t>(key ? 0x50 : 0x51)};
    for (int i = 0; i < 4; ++i) payload.push_back(static_cast<std::uint8_t>(index >> (8 * i)));
    payload.resize(300, 0xEE);
    Bytes packet = pub.sender->packetize(payload, ts, true);
    ASSERT_TRUE(pub.transport.send_rtp(packet));
  }
};

std::uint32_t index_of(const Bytes& payload) {
  return std::uint32_t{payload[2]} | (std::uint32_t{payload[3]} << 8) | (std::uint32_t{payload[4]} << 16) |
         (std::uint32_t{payload[5]} << 24);
}

TEST(Room, OnePublisherTwoSubscribersGetEveryPayloadByteExact) {
  Harness h;
  Peer& pub = h.publisher();
  Peer& a = h.subscriber(0x2000);
  Peer& b = h.subscriber(0x3000);
  h.settle();
  ASSERT_EQ(pub.transport.state(), client::PeerTransport::State::kConnected);

  std::vector<Bytes> sent;
  for (std::uint32_t i = 0; i < 100; ++i) {
    h.send_vp8(pub, i % 10 == 0, i == 0, i, 3000 * (i / 10));
    h.step(1ms);
  }
  for (Peer* sub : {&a, &b}) {
    ASSERT_EQ(sub->payloads.size(), 100u);
    for (std::uint32_t i = 0; i < 100; ++i) {
      EXPECT_EQ(index_of(sub->payloads[i]), i);
      EXPECT_EQ(sub->payloads[i].size(), 300u);
      if (i > 0) {
        EXPECT_EQ(static_cast<std::uint16_t>(sub->seqs[i - 1] + 1), sub->seqs[i]) << "no gaps";
      }
    }
  }
  EXPECT_EQ(a.ssrcs[0], 0x2000u);
  EXPECT_EQ(b.ssrcs[0], 0x3000u);
}

TEST(Room, ASubscriberStartsAtAKeyframe) {
  Harness h;
  Peer& pub = h.publisher();
  Peer& sub = h.subscriber(0x2000);
  h.settle();
  for (std::uint32_t i = 0; i < 20; ++i) {
    h.send_vp8(pub, true, i == 10, i, 3000 * i);
    h.step(1ms);
  }
  ASSERT_EQ(sub.payloads.size(), 10u);
  EXPECT_EQ(index_of(sub.payloads[0]), 10u);
}

TEST(Room, ANewSubscriberCausesOneKeyframeRequestUpstream) {
  Harness h;
  Peer& pub = h.publisher();
  (void)h.subscriber(0x2000);
  h.settle();
  h.send_vp8(pub, true, true, 0, 0);
  h.settle();
  const auto before = pub.sender->keyframe_requests();
  EXPECT_GE(before, 1u) << "the first subscriber asked too";
  (void)h.subscriber(0x3000);
  (void)h.subscriber(0x4000);
  h.settle();
  EXPECT_EQ(pub.sender->keyframe_requests(), before + 1) << "two new subscribers, one merged PLI";
}

TEST(Room, ConsumerPlisAreMergedIntoOneRequest) {
  Harness h;
  Peer& pub = h.publisher();
  Peer& a = h.subscriber(0x2000);
  Peer& b = h.subscriber(0x3000);
  h.settle();
  h.send_vp8(pub, true, true, 0, 0);
  for (int i = 0; i < 60; ++i) h.step();  // past the rate limit of the start-up requests
  const auto before = pub.sender->keyframe_requests();
  for (Peer* sub : {&a, &b}) {
    const rtc::rtcp::Packet pli = rtc::rtcp::Pli{0x9, sub == &a ? 0x2000u : 0x3000u};
    Bytes compound = rtc::rtcp::serialize(std::span<const rtc::rtcp::Packet>(&pli, 1)).value();
    sub->transport.send_rtcp(compound);
  }
  h.step();
  h.step();
  EXPECT_EQ(pub.sender->keyframe_requests(), before + 1);
}

TEST(Room, NackAndRtxRecoverUpstreamLoss) {
  Harness h;
  Peer& pub = h.publisher();
  Peer& a = h.subscriber(0x2000);
  Peer& b = h.subscriber(0x3000);
  h.settle();
  // 5 % of the publisher's RTP (originals and retransmissions alike) is lost on the way in.
  const auto pub_addr = pub.address;
  h.net.set_loss(0.05, [pub_addr](const rtc::stun::Address& from, ByteSpan d) {
    return from == pub_addr && d.size() > 1 && d[0] >= 128 && d[0] < 192 && (d[1] < 192 || d[1] > 223);
  });
  constexpr std::uint32_t kPackets = 2000;
  for (std::uint32_t i = 0; i < kPackets; ++i) {
    h.send_vp8(pub, i % 5 == 0, i == 0, i, 3000 * (i / 5));
    h.step(5ms);
  }
  for (int i = 0; i < 100; ++i) h.step();
  EXPECT_GT(h.net.dropped(), kPackets / 40) << "loss was injected";
  for (Peer* sub : {&a, &b}) {
    std::set<std::uint32_t> got;
    for (const Bytes& p : sub->payloads) got.insert(index_of(p));
    EXPECT_GE(got.size(), kPackets * 99 / 100) << "recovered by NACK/RTX";
  }
  EXPECT_GT(pub.sender->retransmitted(), 0u);
}

TEST(Room, ClosingTheSubscribersTransportRemovesItsConsumer) {
  Harness h;
  (void)h.publisher();
  Peer& sub = h.subscriber(0x2000);
  h.settle();
  EXPECT_EQ(h.room.stats().consumers, 1u);
  h.room.close_transport(sub.transport_id);
  const auto stats = h.room.stats();
  EXPECT_EQ(stats.consumers, 0u);
  EXPECT_EQ(stats.transports, 1u);
  EXPECT_EQ(stats.producers, 1u);
}

}  // namespace
}  // namespace umbra::router

namespace umbra::router {
namespace {

TEST(Room, PauseAndResumeKeepTheSubscribersSequenceContinuous) {
  Harness h;
  Peer& pub = h.publisher();
  Peer& sub = h.subscriber(0x2000);
  h.settle();
  std::uint32_t i = 0;
  for (; i < 20; ++i) {
    h.send_vp8(pub, true, i == 0, i, 3000 * i);
    h.step(1ms);
  }
  ASSERT_TRUE(h.room.set_consumer_paused("c8192", true));
  for (; i < 40; ++i) {
    h.send_vp8(pub, true, false, i, 3000 * i);
    h.step(1ms);
  }
  ASSERT_TRUE(h.room.set_consumer_paused("c8192", false));
  for (; i < 60; ++i) {
    h.send_vp8(pub, true, i == 45, i, 3000 * i);
    h.step(1ms);
  }
  ASSERT_EQ(sub.payloads.size(), 20u + 15u);
  EXPECT_EQ(index_of(sub.payloads[20]), 45u) << "resumed at the keyframe";
  EXPECT_EQ(static_cast<std::uint16_t>(sub.seqs[19] + 1), sub.seqs[20]) << "no hole for the paused part";
}

TEST(Room, PaddingOnlyPacketsAreNotForwardedAndLeaveNoHole) {
  Harness h;
  Peer& pub = h.publisher();
  Peer& sub = h.subscriber(0x2000);
  h.settle();
  h.send_vp8(pub, true, true, 0, 0);
  Bytes padding = pub.sender->packetize({}, 0, false);
  ASSERT_TRUE(pub.transport.send_rtp(padding));
  h.send_vp8(pub, true, false, 1, 3000);
  h.step();
  ASSERT_EQ(sub.payloads.size(), 2u);
  EXPECT_EQ(static_cast<std::uint16_t>(sub.seqs[0] + 1), sub.seqs[1]);
}

}  // namespace
}  // namespace umbra::router

namespace umbra::router {
namespace {

TEST(Room, SubscriberSrCarriesThePublishersClockMapping) {
  Harness h;
  Peer& pub = h.publisher();
  Peer& sub = h.subscriber(0x2000);
  struct Tap : client::PeerTransport::Listener {
    std::vector<std::uint32_t> timestamps;
    std::vector<rtc::rtcp::SenderReport> reports;
    void on_rtp(rtc::rtp::RtpPacket& p, TimePoint) override { timestamps.push_back(p.timestamp()); }
    void on_rtcp(ByteSpan compound, TimePoint) override {
      const auto packets = rtc::rtcp::parse_packets(compound);
      if (!packets) return;
      for (const auto& p : *packets) {
        if (const auto* sr = std::get_if<rtc::rtcp::SenderReport>(&p)) reports.push_back(*sr);
      }
    }
  } tap;
  sub.transport.set_listener(&tap);
  h.settle();
  h.send_vp8(pub, true, true, 0, 90000);
  h.step();
  ASSERT_EQ(tap.timestamps.size(), 1u);
  // The publisher's SR: NTP 1000.5 s is its RTP 135000, i.e. half a second after frame 0.
  const std::uint64_t ntp = (1000ULL << 32) | (1ULL << 31);
  const rtc::rtcp::Packet sr = rtc::rtcp::SenderReport{kVideoSsrc, ntp, 135000, 1, 300, {}};
  Bytes compound = rtc::rtcp::serialize(std::span<const rtc::rtcp::Packet>(&sr, 1)).value();
  ASSERT_TRUE(pub.transport.send_rtcp(compound));
  h.net.run();
  tap.reports.clear();
  for (int i = 0; i < 120 && tap.reports.empty(); ++i) h.step();
  ASSERT_FALSE(tap.reports.empty());
  const auto& out = tap.reports.front();
  EXPECT_EQ(out.ssrc, 0x2000u);
  // However late the router sends it, NTP and RTP moved forward together: the consumer's RTP
  // timestamp is frame 0's plus 0.5 s plus the same delay the NTP time shows, at 90 kHz.
  const double delay_s = static_cast<double>(out.ntp_timestamp - ntp) / 4294967296.0;
  const auto expected = static_cast<std::uint32_t>(tap.timestamps[0] + 45000 + delay_s * 90000);
  EXPECT_NEAR(static_cast<double>(static_cast<std::int32_t>(out.rtp_timestamp - expected)), 0.0, 2.0);
  EXPECT_GT(delay_s, 0.0);
}

}  // namespace
}  // namespace umbra::router

namespace umbra::router {
namespace {

TEST(Room, VideoWithoutAKeyframeDetectorIsForwardedAtOnceAndStillAsksForAKeyframe) {
  Harness h;
  Peer& pub = h.add_peer();
  pub.sender.emplace(client::RtpSenderParams{kVideoSsrc, 98, std::nullopt, 0});
  ProducerParams params;
  params.kind = MediaKind::kVideo;
  params.ssrc = kVideoSsrc;
  params.payload_type = 98;
  ASSERT_TRUE(h.room.add_producer(pub.transport_id, "video", params));
  Peer& sub = h.subscriber(0x2000);
  h.settle();
  EXPECT_GE(pub.sender->keyframe_requests(), 1u);
  h.send_vp8(pub, false, false, 0, 0);  // any payload: no detector looks at it
  h.step();
  EXPECT_EQ(sub.payloads.size(), 1u);
}

}  // namespace
}  // namespace umbra::router

namespace umbra::router {
namespace {

TEST(Room, SendsTransportCcFeedbackToThePublisher) {
  Harness h;
  Peer& pub = h.add_peer();
  pub.sender.emplace(client::RtpSenderParams{kVideoSsrc, 96, std::nullopt, 0});
  ProducerParams params;
  params.ssrc = kVideoSsrc;
  params.payload_type = 96;
  params.twcc_extension_id = 5;
  ASSERT_TRUE(h.room.add_producer(pub.transport_id, "video", params));
  struct Tap : client::PeerTransport::Listener {
    std::vector<rtc::rtcp::TransportCc> feedback;
    void on_rtp(rtc::rtp::RtpPacket&, TimePoint) override {}
    void on_rtcp(ByteSpan compound, TimePoint) override {
      const auto packets = rtc::rtcp::parse_packets(compound);
      if (!packets) return;
      for (const auto& p : *packets) {
        if (const auto* fb = std::get_if<rtc::rtcp::TransportCc>(&p)) feedback.push_back(*fb);
      }
    }
  } tap;
  pub.transport.set_listener(&tap);
  h.settle();
  for (std::uint16_t i = 0; i < 10; ++i) {
    rtc::rtp::RtpHeader header;
    header.payload_type = 96;
    header.sequence_number = i;
    header.ssrc = kVideoSsrc;
    header.extensions.push_back({5, {0x00, static_cast<std::uint8_t>(i == 4 ? 0 : 40 + i)}});
    if (i == 4) continue;  // transport-wide seq 44 never sent
    Bytes packet = header.build(Bytes(100, 1)).value();
    ASSERT_TRUE(pub.transport.send_rtp(packet));
    h.step(2ms);
  }
  for (int i = 0; i < 60; ++i) h.step();
  ASSERT_FALSE(tap.feedback.empty());
  std::size_t received = 0;
  std::size_t lost = 0;
  for (const auto& fb : tap.feedback) {
    for (const auto& status : fb.packets) {
      (status.status == rtc::rtcp::TransportCc::Status::kNotReceived ? lost : received)++;
    }
  }
  EXPECT_EQ(received, 9u);
  EXPECT_EQ(lost, 1u);
}

}  // namespace
}  // namespace umbra::router
