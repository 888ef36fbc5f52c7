// Simulcast through a room over the in-memory network: a publisher sends three VP8 layers (by
// SSRC, or by rid only with the RFC 8852 header extension), subscribers get exactly one layer,
// switch at keyframes only, fall back when a layer stops, and have their NACKs answered from the
// layer they were sent.
#include <gtest/gtest.h>

#include <map>

#include "room_harness.h"
#include "router/room.h"
#include "rtc/rtcp/packet.h"
#include "rtc/rtp/header.h"

namespace umbra::router {
namespace {

using namespace std::chrono_literals;

constexpr std::array<std::uint32_t, 3> kLayerSsrcs = {0xA000, 0xB000, 0xC000};
constexpr std::array<const char*, 3> kRids = {"q", "h", "f"};
constexpr std::uint8_t kMidExt = 1;
constexpr std::uint8_t kRidExt = 10;
constexpr std::uint8_t kRepairedRidExt = 11;
constexpr std::size_t kLow = 0;
constexpr std::size_t kMedium = 1;
constexpr std::size_t kHigh = 2;

struct Peer : testing::RoomPeer {
  using RoomPeer::RoomPeer;
  struct Received {
    std::size_t layer;
    std::uint32_t index;
    std::uint16_t seq;
    std::uint32_t ssrc;
  };
  std::vector<Received> received;
  std::map<std::uint32_t, int> plis;  // media SSRC -> PLIs received

  std::optional<std::uint32_t> rtx_ssrc;
  void on_rtp(rtc::rtp::RtpPacket& p, TimePoint) override {
    auto payload = p.payload();
    std::uint16_t seq = p.sequence_number();
    if (p.ssrc() == rtx_ssrc) {
      // RFC 4588 section 4: the original sequence number, then the original payload.
      if (payload.size() < 2) return;
      seq = load_be16(payload.data());
      payload = payload.subspan(2);
    }
    if (payload.size() < 5) return;
    received.push_back(
        {payload[2], std::uint32_t{payload[3]} | (std::uint32_t{payload[4]} << 8), seq, p.ssrc()});
  }
  void on_rtcp(ByteSpan compound, TimePoint) override {
    const auto packets = rtc::rtcp::parse_packets(compound);
    if (!packets) return;
    for (const auto& packet : *packets) {
      if (const auto* pli = std::get_if<rtc::rtcp::Pli>(&packet)) ++plis[pli->media_ssrc];
    }
  }
  std::vector<std::size_t> layers_since(std::size_t from) const {
    std::vector<std::size_t> out;
    for (std::size_t i = from; i < received.size(); ++i) out.push_back(received[i].layer);
    return out;
  }
};

struct Harness : testing::RoomHarness<Peer> {
  std::array<std::uint16_t, 3> next_seq = {100, 5000, 40000};
  std::uint32_t frame = 0;
  bool by_rid = false;

  Peer& publisher(bool rids = false) {
    by_rid = rids;
    Peer& pub = add_peer();
    ProducerParams params;
    params.kind = MediaKind::kVideo;
    params.payload_type = 96;
    params.rtx_payload_type = 97;
    params.keyframe_codec = KeyframeCodec::kVp8;
    for (std::size_t l = 0; l < 3; ++l) {
      params.layers.push_back(rids ? LayerParams{0, std::nullopt, kRids[l]}
                                   : LayerParams{kLayerSsrcs[l], {}, ""});
    }
    if (rids) {
      params.rid_extension_id = kRidExt;
      params.repaired_rid_extension_id = kRepairedRidExt;
      params.mid_extension_id = kMidExt;
      params.mid = "1";
    }
    EXPECT_TRUE(room.add_producer(pub.transport_id, "video", params));
    return pub;
  }

  Peer& subscriber(std::uint32_t ssrc, std::optional<std::uint32_t> rtx = std::nullopt) {
    Peer& sub = add_peer();
    sub.rtx_ssrc = rtx;
    EXPECT_TRUE(
        room.add_consumer(sub.transport_id, consumer_id(ssrc), "video", {ssrc, 100, rtx, 101}, false, now));
    return sub;
  }
  static std::string consumer_id(std::uint32_t ssrc) { return "c" + std::to_string(ssrc); }

  // One packet of `layer`: a VP8 descriptor starting a frame (keyframe or not), then the layer and
  // the frame index as the payload's first bytes.
  Bytes packet(std::size_t layer, bool key, std::uint8_t mid = '1') {
    rtc::rtp::RtpHeader h;
    h.payload_type = 96;
    h.sequence_number = next_seq[layer]++;
    h.timestamp = 3000 * frame + static_cast<std::uint32_t>(layer) * 1'000'000;
    h.ssrc = kLayerSsrcs[layer];
    h.marker = true;
    if (by_rid) {
      h.extensions.push_back({kMidExt, Bytes{mid}});
      const std::string_view rid = kRids[layer];
      h.extensions.push_back({kRidExt, Bytes(rid.begin(), rid.end())});
    }
    Bytes payload = {0x10, static_cast<std::uint8_t>(key ? 0x50 : 0x51), static_cast<std::uint8_t>(layer),
                     static_cast<std::uint8_t>(frame), static_cast<std::uint8_t>(frame >> 8)};
    payload.resize(200, 0xEE);
    return h.build(payload).value();
  }

  // One frame on each of `layers` (keyframes on `keys`), then 33 ms pass.
  void frame_on(Peer& pub, std::initializer_list<std::size_t> layers,
                std::initializer_list<std::size_t> keys = {}) {
    for (std::size_t l : layers) {
      Bytes p = packet(l, std::find(keys.begin(), keys.end(), l) != keys.end());
      ASSERT_TRUE(pub.transport.send_rtp(p));
    }
    ++frame;
    step(33ms);
  }
  void frames(Peer& pub, int n, std::initializer_list<std::size_t> layers = {kLow, kMedium, kHigh}) {
    for (int i = 0; i < n; ++i) frame_on(pub, layers);
  }
};

void expect_continuous(const Peer& sub) {
  for (std::size_t i = 1; i < sub.received.size(); ++i) {
    ASSERT_EQ(static_cast<std::uint16_t>(sub.received[i - 1].seq + 1), sub.received[i].seq)
        << "one continuous stream across layer switches, at packet " << i;
  }
}

TEST(RoomSimulcast, ASubscriberGetsOnlyTheHighestLayerByDefault) {
  Harness h;
  Peer& pub = h.publisher();
  Peer& sub = h.subscriber(0x2000);
  h.settle();
  h.frame_on(pub, {kLow, kMedium, kHigh}, {kLow, kMedium, kHigh});
  h.frames(pub, 20);
  ASSERT_EQ(sub.received.size(), 21u);
  for (const auto& r : sub.received) {
    EXPECT_EQ(r.layer, kHigh);
    EXPECT_EQ(r.ssrc, 0x2000u);
  }
  expect_continuous(sub);
}

TEST(RoomSimulcast, ASwitchDownKeepsTheOldLayerUntilTheNewLayersKeyframeAndAsksForIt) {
  Harness h;
  Peer& pub = h.publisher();
  Peer& sub = h.subscriber(0x2000);
  h.settle();
  h.frame_on(pub, {kLow, kMedium, kHigh}, {kLow, kMedium, kHigh});
  h.frames(pub, 5);
  const int plis_before = pub.plis[kLayerSsrcs[kLow]];
  ASSERT_TRUE(h.room.set_consumer_preferred_layer(Harness::consumer_id(0x2000), kLow, h.now));
  h.frames(pub, 20);  // past the rate limit of the start-up requests
  EXPECT_GT(pub.plis[kLayerSsrcs[kLow]], plis_before) << "the low layer's keyframe was asked for";
  EXPECT_EQ(pub.plis[kLayerSsrcs[kHigh]], 0) << "nothing asked of the layer being left";
  const std::size_t before = sub.received.size();
  EXPECT_EQ(sub.layers_since(before - 20), std::vector<std::size_t>(20, kHigh)) << "no broken picture";
  h.frame_on(pub, {kLow, kMedium, kHigh}, {kLow});
  h.frames(pub, 5);
  EXPECT_EQ(sub.layers_since(before), std::vector<std::size_t>(6, kLow));
  expect_continuous(sub);
  const auto layers = h.room.consumer_layers(Harness::consumer_id(0x2000));
  ASSERT_TRUE(layers);
  EXPECT_EQ(layers->current, kLow);
}

TEST(RoomSimulcast, SubscribersOfOneProducerChooseTheirLayersIndependently) {
  Harness h;
  Peer& pub = h.publisher();
  Peer& high = h.subscriber(0x2000);
  Peer& low = h.subscriber(0x3000);
  ASSERT_TRUE(h.room.set_consumer_preferred_layer(Harness::consumer_id(0x3000), kLow, h.now));
  h.settle();
  h.frame_on(pub, {kLow, kMedium, kHigh}, {kLow, kMedium, kHigh});
  h.frames(pub, 9);
  EXPECT_EQ(high.layers_since(0), std::vector<std::size_t>(10, kHigh));
  EXPECT_EQ(low.layers_since(0), std::vector<std::size_t>(10, kLow));
}

TEST(RoomSimulcast, FallsBackToAFlowingLayerWhenTheForwardedOneStops) {
  Harness h;
  Peer& pub = h.publisher();
  Peer& sub = h.subscriber(0x2000);
  h.settle();
  h.frame_on(pub, {kLow, kMedium, kHigh}, {kLow, kMedium, kHigh});
  // The publisher's encoder drops the high layer; until the medium keyframe nothing can be shown.
  const std::size_t before = sub.received.size();
  h.frames(pub, 40, {kLow, kMedium});
  EXPECT_EQ(sub.received.size(), before) << "no medium packet before its keyframe";
  EXPECT_GT(pub.plis[kLayerSsrcs[kMedium]], 0) << "the fallback asked for a medium keyframe";
  h.frame_on(pub, {kLow, kMedium}, {kMedium});
  h.frames(pub, 3, {kLow, kMedium});
  EXPECT_EQ(sub.layers_since(before), std::vector<std::size_t>(4, kMedium));
  expect_continuous(sub);
}

TEST(RoomSimulcast, LayersAnnouncedByRidAreBoundFromTheRtpStreamIdExtension) {
  Harness h;
  Peer& pub = h.publisher(/*rids=*/true);
  Peer& sub = h.subscriber(0x2000);
  ASSERT_TRUE(h.room.set_consumer_preferred_layer(Harness::consumer_id(0x2000), kMedium, h.now));
  h.settle();
  h.frame_on(pub, {kLow, kMedium, kHigh}, {kLow, kMedium, kHigh});
  h.frames(pub, 5);
  EXPECT_EQ(sub.layers_since(0), std::vector<std::size_t>(6, kMedium));
  EXPECT_EQ(h.room.stats().dropped_malformed, 0u);
}

TEST(RoomSimulcast, ARidPacketOfAnotherMidIsNotBound) {
  Harness h;
  Peer& pub = h.publisher(/*rids=*/true);
  (void)h.subscriber(0x2000);
  h.settle();
  Bytes p = h.packet(kLow, true, '7');
  ASSERT_TRUE(pub.transport.send_rtp(p));
  h.step();
  EXPECT_EQ(h.room.stats().dropped_malformed, 1u);
}

TEST(RoomSimulcast, NacksAreAnsweredFromTheLayerThatWasForwarded) {
  Harness h;
  Peer& pub = h.publisher();
  Peer& sub = h.subscriber(0x2000, 0x2001);
  ASSERT_TRUE(h.room.set_consumer_preferred_layer(Harness::consumer_id(0x2000), kMedium, h.now));
  h.settle();
  h.frame_on(pub, {kLow, kMedium, kHigh}, {kLow, kMedium, kHigh});
  h.frames(pub, 5);
  ASSERT_EQ(sub.received.size(), 6u);
  const Peer::Received asked = sub.received[3];
  const rtc::rtcp::Packet nack =
      rtc::rtcp::Nack::from_lost(0x9, 0x2000, std::vector<std::uint16_t>{asked.seq});
  Bytes compound = rtc::rtcp::serialize(std::span<const rtc::rtcp::Packet>(&nack, 1)).value();
  sub.transport.send_rtcp(compound);
  h.step();
  h.step();
  ASSERT_EQ(sub.received.size(), 7u) << "one retransmission";
  EXPECT_EQ(sub.received.back().ssrc, 0x2001u);
  EXPECT_EQ(sub.received.back().seq, asked.seq);
  EXPECT_EQ(sub.received.back().layer, kMedium);
  EXPECT_EQ(sub.received.back().index, asked.index);
}

TEST(RoomSimulcast, APreferredLayerNeedsASimulcastProducer) {
  Harness h;
  Peer& pub = h.add_peer();
  ProducerParams params;
  params.ssrc = 0x1111;
  params.payload_type = 96;
  params.keyframe_codec = KeyframeCodec::kVp8;
  ASSERT_TRUE(h.room.add_producer(pub.transport_id, "video", params));
  (void)h.subscriber(0x2000);
  const auto set = h.room.set_consumer_preferred_layer(Harness::consumer_id(0x2000), kLow, h.now);
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error(), "not_simulcast");
  EXPECT_EQ(h.room.set_consumer_preferred_layer("nobody", kLow, h.now).error(), "consumer_not_found");
}

TEST(RoomSimulcast, ALayerNeedsAnSsrcOrARidWithItsExtension) {
  Harness h;
  Peer& pub = h.add_peer();
  ProducerParams params;
  params.payload_type = 96;
  params.layers = {{0, std::nullopt, "q"}, {0, std::nullopt, "f"}};
  EXPECT_FALSE(h.room.add_producer(pub.transport_id, "video", params)) << "no rtp-stream-id extension";
  params.layers.push_back({0, std::nullopt, "x"});
  params.layers.push_back({0, std::nullopt, "y"});
  params.rid_extension_id = kRidExt;
  EXPECT_FALSE(h.room.add_producer(pub.transport_id, "video", params)) << "four layers";
}

// A recording of the room: which layer each recorded packet came from, and its sequence number.
struct LayerTap : RecordingTap {
  std::string id = "arc_1";
  std::vector<std::pair<std::size_t, std::uint16_t>> packets;
  const std::string& archive_id() const override { return id; }
  void track_added(std::uint64_t, const std::string&, const std::string&, archive::MediaKind) override {}
  void packet(std::uint64_t, const rtc::rtp::RtpPacket& p, TimePoint) override {
    if (p.payload().size() > 2) packets.emplace_back(p.payload()[2], p.sequence_number());
  }
  void track_ended(std::uint64_t) override {}
  std::vector<std::size_t> layers_since(std::size_t from) const {
    std::vector<std::size_t> out;
    for (std::size_t i = from; i < packets.size(); ++i) out.push_back(packets[i].first);
    return out;
  }
};

TEST(RoomSimulcast, ARecordingFollowsTheBestLayerAsOneContinuousStream) {
  Harness h;
  Peer& pub = h.publisher();
  auto tap = std::make_shared<LayerTap>();
  h.room.add_recording_tap(tap);
  h.settle();
  h.frame_on(pub, {kLow, kMedium, kHigh}, {kLow, kMedium, kHigh});
  h.frames(pub, 5);
  EXPECT_EQ(tap->layers_since(0), std::vector<std::size_t>(6, kHigh)) << "the best layer, not all three";
  // The high layer stops: the recording falls back to medium at its keyframe, numbering unbroken.
  const std::size_t before = tap->packets.size();
  h.frames(pub, 40, {kLow, kMedium});
  EXPECT_EQ(tap->packets.size(), before);
  EXPECT_GT(pub.plis[kLayerSsrcs[kMedium]], 0);
  h.frame_on(pub, {kLow, kMedium}, {kMedium});
  h.frames(pub, 2, {kLow, kMedium});
  EXPECT_EQ(tap->layers_since(before), std::vector<std::size_t>(3, kMedium));
  for (std::size_t i = 1; i < tap->packets.size(); ++i) {
    EXPECT_EQ(static_cast<std::uint16_t>(tap->packets[i - 1].second + 1), tap->packets[i].second);
  }
}

}  // namespace
}  // namespace umbra::router
