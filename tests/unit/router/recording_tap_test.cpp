// What a room hands its recording taps, over the in-memory network with the native peer as the
// publisher: every producer as a track, its media packets (RTX repairs unwrapped), its leaving.
#include "router/recording_tap.h"

#include <gtest/gtest.h>

#include <set>

#include "client/peer_transport.h"
#include "client/rtp_sender.h"
#include "crypto/certificate.h"
#include "memory_network.h"
#include "router/room.h"
#include "router/udp_mux.h"

namespace umbra::router {
namespace {

using namespace std::chrono_literals;
using testing::MemoryNetwork;

struct FakeTap : RecordingTap {
  std::string id = "arc_1";
  std::map<std::uint64_t, std::pair<std::string, archive::MediaKind>> tracks;  // stream id, kind
  std::map<std::uint64_t, std::string> producers;
  std::vector<std::uint64_t> ended;
  std::map<std::uint64_t, std::vector<std::uint16_t>> seqs;

  const std::string& archive_id() const override { return id; }
  void track_added(std::uint64_t track, const std::string& producer_id, const std::string& stream_id,
                   archive::MediaKind kind) override {
    tracks[track] = {stream_id, kind};
    producers[track] = producer_id;
  }
  void packet(std::uint64_t track, const rtc::rtp::RtpPacket& packet, TimePoint) override {
    seqs[track].push_back(packet.sequence_number());
  }
  void track_ended(std::uint64_t track) override { ended.push_back(track); }
};

struct Publisher : client::PeerTransport::Listener {
  rtc::stun::Address address;
  crypto::Certificate cert = crypto::Certificate::generate("peer");
  client::PeerTransport transport;
  std::string transport_id;
  client::RtpSender sender{client::RtpSenderParams{0x1111, 96, 0x1112, 97}};

  Publisher(MemoryNetwork& net, rtc::stun::Address addr)
      : address(addr), transport(std::make_shared<const rtc::dtls::DtlsContext>(cert), net.sender(addr)) {
    transport.set_listener(this);
  }
  void on_rtp(rtc::rtp::RtpPacket&, TimePoint) override {}
  void on_rtcp(ByteSpan compound, TimePoint) override {
    for (Bytes& resend : sender.handle_rtcp(compound)) transport.send_rtp(resend);
  }
};

struct Harness {
  crypto::Certificate router_cert = crypto::Certificate::generate("router");
  std::shared_ptr<const rtc::dtls::DtlsContext> router_ctx =
      std::make_shared<const rtc::dtls::DtlsContext>(router_cert);
  MemoryNetwork net;
  rtc::stun::Address router_addr = MemoryNetwork::address(1, 7881);
  Room room{"room-1"};
  UdpMux mux;
  TimePoint now = TimePoint{} + 1000s;
  std::vector<std::unique_ptr<Publisher>> peers;

  Harness() {
    net.attach(router_addr, [this](MutableByteSpan d, const rtc::stun::Address& from) {
      WebRtcTransport* t = mux.route(d, from);
      if (t != nullptr && t->handle_datagram(d, from, now)) mux.learn(from, *t);
    });
  }

  // A connected publisher with a VP8 producer (`producer_id`, signaling stream `stream_id`).
  Publisher& publisher(const std::string& producer_id, const std::string& stream_id) {
    const auto host = static_cast<std::uint8_t>(10 + peers.size());
    peers.push_back(std::make_unique<Publisher>(net, MemoryNetwork::address(host, 50000)));
    Publisher& p = *peers.back();
    net.attach(p.address, [this, &p](MutableByteSpan d, const rtc::stun::Address& from) {
      p.transport.handle_datagram(d, from, now);
    });
    p.transport_id = "t" + std::to_string(host);
    auto& t = room.add_transport(
        std::make_unique<WebRtcTransport>(p.transport_id, router_ctx, net.sender(router_addr), now));
    mux.add(t);
    EXPECT_TRUE(t.connect("sha-256", p.cert.fingerprint_text(), now));
    EXPECT_TRUE(p.transport.start(
        {router_addr, t.ice_credentials(), "sha-256", router_cert.fingerprint_text()}, now));
    ProducerParams params;
    params.ssrc = 0x1111;
    params.rtx_ssrc = 0x1112;
    params.payload_type = 96;
    params.rtx_payload_type = 97;
    params.keyframe_codec = KeyframeCodec::kVp8;
    params.stream_id = stream_id;
    EXPECT_TRUE(room.add_producer(p.transport_id, producer_id, params));
    for (int i = 0; i < 30; ++i) step();
    return p;
  }

  void step(Duration d = 10ms) {
    net.run();
    now += d;
    room.handle_timeout(now);
    for (auto& p : peers) p->transport.handle_timeout(now);
    net.run();
  }

  void send_vp8(Publisher& pub, bool key, std::uint32_t ts) {
    Bytes payload = {0x10, static_cast<std::uint8_t>(key ? 0x50 : 0x51)};
    payload.resize(300, 0xEE);
    Bytes packet = pub.sender.packetize(payload, ts, true);
    ASSERT_TRUE(pub.transport.send_rtp(packet));
  }
};

TEST(RecordingTap, LearnsTheRoomsProducersNowAndLaterAndWhenTheyLeave) {
  Harness h;
  Publisher& a = h.publisher("pr-a", "str_a");
  auto tap = std::make_shared<FakeTap>();
  h.room.add_recording_tap(tap);
  ASSERT_EQ(tap->tracks.size(), 1U) << "the producer already there";
  const std::uint64_t track_a = tap->tracks.begin()->first;
  EXPECT_EQ(tap->tracks[track_a].first, "str_a");
  EXPECT_EQ(tap->tracks[track_a].second, archive::MediaKind::kVideo);
  EXPECT_EQ(tap->producers[track_a], "pr-a");

  (void)h.publisher("pr-b", "str_b");
  ASSERT_EQ(tap->tracks.size(), 2U) << "a producer added later";

  h.room.close_transport(a.transport_id);
  EXPECT_EQ(tap->ended, std::vector<std::uint64_t>{track_a});
}

TEST(RecordingTap, GetsEveryMediaPacketWithRtxRepairsUnderTheirOriginalNumbers) {
  Harness h;
  Publisher& pub = h.publisher("pr-a", "str_a");
  auto tap = std::make_shared<FakeTap>();
  h.room.add_recording_tap(tap);
  // 5 % of the publisher's RTP (originals and retransmissions alike) is lost on the way in.
  const auto pub_addr = pub.address;
  h.net.set_loss(0.05, [pub_addr](const rtc::stun::Address& from, ByteSpan d) {
    return from == pub_addr && d.size() > 1 && d[0] >= 128 && d[0] < 192 && (d[1] < 192 || d[1] > 223);
  });
  constexpr std::uint32_t kPackets = 1000;
  for (std::uint32_t i = 0; i < kPackets; ++i) {
    h.send_vp8(pub, i == 0, 3000 * i);
    h.step(5ms);
  }
  Bytes padding = pub.sender.packetize({}, 0, false);  // bandwidth probing: nothing to record
  ASSERT_TRUE(pub.transport.send_rtp(padding));
  for (int i = 0; i < 100; ++i) h.step();
  EXPECT_GT(h.net.dropped(), kPackets / 40) << "loss was injected";
  ASSERT_EQ(tap->seqs.size(), 1U);
  const auto& seqs = tap->seqs.begin()->second;
  const std::set<std::uint16_t> distinct(seqs.begin(), seqs.end());
  EXPECT_GE(distinct.size(), kPackets * 99 / 100) << "repairs reach the recording";
  EXPECT_EQ(distinct.size(), seqs.size()) << "each packet once";
  EXPECT_FALSE(distinct.contains(static_cast<std::uint16_t>(1 + kPackets))) << "padding is not recorded";
}

TEST(RecordingTap, ARoomKeepsItsRecordingWithoutTransportsAndStopsFeedingARemovedTap) {
  Harness h;
  auto tap = std::make_shared<FakeTap>();
  h.room.add_recording_tap(tap);
  EXPECT_FALSE(h.room.empty()) << "a recording started before anyone joined keeps the room";
  Publisher& pub = h.publisher("pr-a", "str_a");
  h.send_vp8(pub, true, 0);
  h.step();
  h.room.remove_recording_tap("arc_1");
  h.send_vp8(pub, false, 3000);
  h.step();
  ASSERT_EQ(tap->seqs.size(), 1U);
  EXPECT_EQ(tap->seqs.begin()->second.size(), 1U);
  EXPECT_FALSE(h.room.recording());
}

TEST(RecordingTap, AKeyFrameRequestFromTheRecordingReachesThePublisher) {
  Harness h;
  Publisher& pub = h.publisher("pr-a", "str_a");
  const auto before = pub.sender.keyframe_requests();
  EXPECT_TRUE(h.room.request_keyframe("pr-a"));
  h.step();
  h.step();
  EXPECT_EQ(pub.sender.keyframe_requests(), before + 1);
  EXPECT_FALSE(h.room.request_keyframe("pr-gone"));
}

}  // namespace
}  // namespace umbra::router
