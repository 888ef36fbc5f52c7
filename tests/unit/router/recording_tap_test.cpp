// What a room hands its recording taps, over the in-memory network with the native peer as the
// publisher: every producer as a track, its media packets (RTX repairs unwrapped), its leaving.
#include "router/recording_tap.h"

#include <gtest/gtest.h>

#include <set>

#include "client/rtp_sender.h"
#include "room_harness.h"
#include "router/room.h"

namespace umbra::router {
namespace {

using namespace std::chrono_literals;

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

struct Publisher : testing::RoomPeer {
  using RoomPeer::RoomPeer;
  client::RtpSender sender{client::RtpSenderParams{0x1111, 96, 0x1112, 97}};

  void on_rtp(rtc::rtp::RtpPacket&, TimePoint) override {}
  void on_rtcp(ByteSpan compound, TimePoint) override {
    for (Bytes& resend : sender.handle_rtcp(compound)) transport.send_rtp(resend);
  }
};

struct Harness : testing::RoomHarness<Publisher> {
  // A connected publisher with a VP8 producer (`producer_id`, signaling stream `stream_id`).
  Publisher& publisher(const std::string& producer_id, const std::string& stream_id) {
    Publisher& p = add_peer();
    ProducerParams params;
    params.ssrc = 0x1111;
    params.rtx_ssrc = 0x1112;
    params.payload_type = 96;
    params.rtx_payload_type = 97;
    params.keyframe_codec = KeyframeCodec::kVp8;
    params.stream_id = stream_id;
    EXPECT_TRUE(room.add_producer(p.transport_id, producer_id, params));
    settle();
    return p;
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
