#include "rtc/sdp/negotiation.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace umbra::rtc::sdp {
namespace {

std::string fixture(const char* name) {
  const auto path = std::filesystem::path(__FILE__).parent_path() / name;
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

SessionDescription chromium_offer(const char* name = "chromium156_publish_simulcast_offer.sdp") {
  auto sdp = parse(fixture(name));
  EXPECT_TRUE(sdp.ok());
  return sdp.ok() ? *sdp : SessionDescription{};
}

LocalEndpoint local() {
  LocalEndpoint l;
  l.ice_ufrag = "sfuUfrag";
  l.ice_pwd = "sfuPasswordOf24Characters";
  l.fingerprint_sha256 =
      "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF";
  l.candidate_ip = "192.0.2.10";
  l.candidate_port = 7881;
  l.session_id = 4242;
  return l;
}

std::vector<std::string> codec_names(const MediaDescription& m) {
  std::vector<std::string> names;
  for (const auto& c : m.codecs) names.push_back(c.name + "/" + std::to_string(c.payload_type));
  return names;
}

TEST(PublishAnswer, AcceptsChromiumAudioAndVideoRecvOnly) {
  auto answer = answer_publish_offer(chromium_offer(), local());
  ASSERT_TRUE(answer.ok()) << to_string(answer.error());
  EXPECT_TRUE(answer->ice_lite);
  ASSERT_NE(answer->bundle(), nullptr);
  EXPECT_EQ(*answer->bundle(), (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(answer->media.size(), 2u);
  for (const auto& m : answer->media) {
    EXPECT_EQ(m.direction, Direction::kRecvOnly);
    EXPECT_EQ(m.setup, Setup::kPassive);  // the SFU is the DTLS server
    EXPECT_EQ(m.ice_ufrag, "sfuUfrag");
    EXPECT_EQ(m.fingerprint->algorithm, "sha-256");
    EXPECT_TRUE(m.rtcp_mux);
    EXPECT_EQ(m.port, 7881);
    EXPECT_EQ(m.connection, "IN IP4 192.0.2.10");
    ASSERT_EQ(m.candidates.size(), 1u);
    EXPECT_EQ(m.candidates[0], "1 1 udp 2130706431 192.0.2.10 7881 typ host");
    EXPECT_TRUE(m.ssrcs.empty());
  }
  EXPECT_EQ(codec_names(answer->media[0]), (std::vector<std::string>{"opus/111"}));
  // VP8 with its RTX, then Constrained Baseline H.264 packetization-mode=1 with its RTX.
  EXPECT_EQ(codec_names(answer->media[1]),
            (std::vector<std::string>{"VP8/96", "rtx/97", "H264/108", "rtx/109"}));
  EXPECT_EQ(answer->media[1].formats, (std::vector<std::string>{"96", "97", "108", "109"}));
}

TEST(PublishAnswer, ReceivesTheOfferedSimulcastLayers) {
  auto answer = answer_publish_offer(chromium_offer(), local());
  ASSERT_TRUE(answer.ok());
  const auto& video = answer->media[1];
  ASSERT_TRUE(video.simulcast.has_value());
  EXPECT_TRUE(video.simulcast->send.empty());
  ASSERT_EQ(video.simulcast->recv.size(), 3u);
  EXPECT_EQ(video.simulcast->recv[0][0].rid, "h");
  ASSERT_EQ(video.rids.size(), 3u);
  for (const auto& r : video.rids) EXPECT_FALSE(r.send);
}

TEST(PublishAnswer, KeepsOnlySupportedExtensionsUnderTheOfferedIds) {
  auto answer = answer_publish_offer(chromium_offer(), local());
  ASSERT_TRUE(answer.ok());
  const auto& video = answer->media[1];
  bool has_rid = false;
  for (const auto& e : video.extmaps) {
    EXPECT_NE(e.uri, "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay");
    if (e.uri == "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id") {
      has_rid = true;
      EXPECT_EQ(e.id, 10);
    }
  }
  EXPECT_TRUE(has_rid);
}

TEST(PublishAnswer, E2eePolicyOffersVp8Only) {
  PublishPolicy policy;
  policy.video_codecs = {VideoCodec::kVp8};
  auto answer = answer_publish_offer(chromium_offer(), local(), policy);
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(codec_names(answer->media[1]), (std::vector<std::string>{"VP8/96", "rtx/97"}));
}

TEST(PublishAnswer, RejectsSectionsWithoutAUsableCodecOrDataChannels) {
  auto offer = chromium_offer("chromium156_sendrecv_offer.sdp");
  // Leave the video section with VP9 only.
  auto& video = offer.media[1];
  std::erase_if(video.codecs, [](const Codec& c) { return !c.is("VP9"); });
  MediaDescription data;
  data.kind = "application";
  data.protocol = "UDP/DTLS/SCTP";
  data.formats = {"webrtc-datachannel"};
  data.mid = "2";
  data.rtcp_mux = true;
  offer.media.push_back(data);
  offer.groups[0].mids.push_back("2");

  auto answer = answer_publish_offer(offer, local());
  ASSERT_TRUE(answer.ok()) << to_string(answer.error());
  ASSERT_EQ(answer->media.size(), 3u);
  EXPECT_FALSE(answer->media[0].rejected());
  EXPECT_TRUE(answer->media[1].rejected());
  EXPECT_EQ(answer->media[1].mid, "1");
  EXPECT_TRUE(answer->media[2].rejected());
  EXPECT_EQ(*answer->bundle(), (std::vector<std::string>{"0"}));
  // A rejected section still parses back (RFC 8866: port 0 with the offered formats).
  auto reparsed = parse(to_string(*answer));
  ASSERT_TRUE(reparsed.ok()) << to_string(reparsed.error());
  EXPECT_EQ(reparsed->media[2].formats, (std::vector<std::string>{"webrtc-datachannel"}));
}

TEST(PublishAnswer, RefusesAnOfferWithoutBundleOrThatWantsToBeDtlsServer) {
  auto no_bundle = chromium_offer();
  no_bundle.groups.clear();
  EXPECT_FALSE(answer_publish_offer(no_bundle, local()).ok());

  auto passive = chromium_offer();
  for (auto& m : passive.media) m.setup = Setup::kPassive;
  EXPECT_FALSE(answer_publish_offer(passive, local()).ok());
}

TEST(PublishAnswer, ChromiumStyleTextRoundTripsThroughTheParser) {
  auto answer = answer_publish_offer(chromium_offer(), local());
  ASSERT_TRUE(answer.ok());
  const std::string text = to_string(*answer);
  EXPECT_NE(text.find("a=ice-lite\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=setup:passive\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=recvonly\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=simulcast:recv h;m;l\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=rid:h recv\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=fmtp:97 apt=96\r\n"), std::string::npos);
  EXPECT_NE(text.find("a=candidate:1 1 udp 2130706431 192.0.2.10 7881 typ host\r\n"), std::string::npos);
  auto reparsed = parse(text);
  ASSERT_TRUE(reparsed.ok()) << to_string(reparsed.error());
  auto remote = remote_transport(*reparsed);
  ASSERT_TRUE(remote.ok()) << to_string(remote.error());
  EXPECT_EQ(remote->ice_ufrag, "sfuUfrag");
  EXPECT_EQ(remote->setup, Setup::kPassive);
  EXPECT_EQ(remote->fingerprint.size(), 32u);
}

TEST(SubscribeOffer, SendsOurSsrcsWithRtxAndAskesTheBrowserToBeDtlsClient) {
  OutgoingTrack audio{"0",          "audio", opus_codec(), std::nullopt, 1111,
                      std::nullopt, "umbra", "stream-a",   "audio-a",    default_audio_extmaps(),
                      true};
  OutgoingTrack video{"1",     "video",    vp8_codec(), rtx_codec(97, 96),       2222, 3333,
                      "umbra", "stream-a", "video-a",   default_video_extmaps(), true};
  const auto offer = build_subscribe_offer({audio, video}, local());
  const std::string text = to_string(offer);
  auto parsed = parse(text);
  ASSERT_TRUE(parsed.ok()) << to_string(parsed.error());
  EXPECT_TRUE(parsed->ice_lite);
  EXPECT_EQ(*parsed->bundle(), (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(parsed->media.size(), 2u);
  const auto& v = parsed->media[1];
  EXPECT_EQ(v.direction, Direction::kSendOnly);
  EXPECT_EQ(v.setup, Setup::kActpass);
  EXPECT_EQ(v.rtx_ssrc_for(2222), 3333u);
  ASSERT_EQ(v.ssrcs.size(), 2u);
  EXPECT_EQ(v.ssrcs[0].cname, "umbra");
  EXPECT_EQ(v.ssrcs[0].msid, "stream-a video-a");
  EXPECT_EQ(v.msids, (std::vector<std::string>{"stream-a video-a"}));
  EXPECT_EQ(codec_names(v), (std::vector<std::string>{"VP8/96", "rtx/97"}));
  EXPECT_EQ(parsed->media[0].ssrcs[0].ssrc, 1111u);
  EXPECT_NE(text.find("a=ssrc-group:FID 2222 3333\r\n"), std::string::npos);
}

TEST(SubscribeOffer, StoppedTrackKeepsItsSectionInactive) {
  OutgoingTrack audio{"0",     "audio", opus_codec(), std::nullopt, 1111, std::nullopt,
                      "umbra", "s",     "a",          {},           false};
  OutgoingTrack video{"1",     "video", vp8_codec(), std::nullopt, 2222, std::nullopt,
                      "umbra", "s",     "v",         {},           true};
  const auto offer = build_subscribe_offer({audio, video}, local());
  ASSERT_EQ(offer.media.size(), 2u);
  EXPECT_TRUE(offer.media[0].rejected());
  EXPECT_EQ(offer.media[0].direction, Direction::kInactive);
  EXPECT_TRUE(offer.media[0].ssrcs.empty());
  EXPECT_EQ(*offer.bundle(), (std::vector<std::string>{"1"}));
}

TEST(RemoteTransport, ReadsIceAndDtlsParametersFromChromiumOffer) {
  auto remote = remote_transport(chromium_offer());
  ASSERT_TRUE(remote.ok()) << to_string(remote.error());
  EXPECT_EQ(remote->ice_ufrag, "ClOC");
  EXPECT_EQ(remote->ice_pwd, "+n2OZUUcLT+kDL22UJ0FqgLd");
  EXPECT_EQ(remote->fingerprint_hash, crypto::Hash::kSha256);
  ASSERT_EQ(remote->fingerprint.size(), 32u);
  EXPECT_EQ(remote->fingerprint[0], 0xA2);
  EXPECT_EQ(remote->setup, Setup::kActpass);
}

TEST(RemoteTransport, RejectsAFingerprintThatDoesNotFitItsHash) {
  auto offer = chromium_offer();
  for (auto& m : offer.media) m.fingerprint->value = "AB:CD";
  EXPECT_FALSE(remote_transport(offer).ok());
  for (auto& m : offer.media) m.fingerprint->algorithm = "md5";
  EXPECT_FALSE(remote_transport(offer).ok());
}

}  // namespace
}  // namespace umbra::rtc::sdp

namespace umbra::rtc::sdp {
namespace {

// Chromium 156's answer to the offer SubscribeOffer builds (audio, VP8+RTX, H.264+RTX), captured by
// handing build_subscribe_offer()'s text to RTCPeerConnection.setRemoteDescription; Chromium accepted
// it and fired ontrack three times. The publish answers above were likewise accepted by Chromium 156.
TEST(SubscribeOffer, ChromiumAnswerMakesTheBrowserTheDtlsClient) {
  auto answer = parse(fixture("chromium156_subscribe_answer.sdp"));
  ASSERT_TRUE(answer.ok()) << to_string(answer.error());
  auto remote = remote_transport(*answer);
  ASSERT_TRUE(remote.ok()) << to_string(remote.error());
  EXPECT_EQ(remote->setup, Setup::kActive);
  EXPECT_EQ(remote->ice_ufrag, "EiY4");
  ASSERT_EQ(answer->media.size(), 3u);
  for (const auto& m : answer->media) EXPECT_EQ(m.direction, Direction::kRecvOnly);
  EXPECT_EQ(codec_names(answer->media[1]), (std::vector<std::string>{"VP8/96", "rtx/97"}));
  EXPECT_EQ(codec_names(answer->media[2]), (std::vector<std::string>{"H264/102", "rtx/103"}));
}

}  // namespace
}  // namespace umbra::rtc::sdp

namespace umbra::rtc::sdp {
namespace {

// Hand-written in Firefox's layout (not captured): session-level fingerprint and ice-options, fmtp before
// rtpmap, extmap directions, "{uuid}" msids, the FID group after its SSRC lines.
TEST(PublishAnswer, AnswersAFirefoxStyleOffer) {
  auto offer = parse(fixture("firefox_style_publish_offer.sdp"));
  ASSERT_TRUE(offer.ok()) << to_string(offer.error());
  EXPECT_EQ(offer->media[0].extmaps[1].direction, Direction::kRecvOnly);
  EXPECT_FALSE(offer->media[0].fingerprint.has_value());
  EXPECT_EQ(offer->media[1].rtx_ssrc_for(1706593284u), 3128907765u);
  // fmtp lines came before their rtpmap; both ended up on the same codec.
  EXPECT_EQ(offer->media[1].find_codec(126)->fmtp_value("packetization-mode"), "1");
  EXPECT_EQ(offer->media[1].find_codec(126)->name, "H264");

  auto remote = remote_transport(*offer);
  ASSERT_TRUE(remote.ok()) << to_string(remote.error());
  EXPECT_EQ(remote->fingerprint[0], 0x5B);  // inherited from the session level
  EXPECT_EQ(remote->ice_ufrag, "9f8e7d6c");

  auto answer = answer_publish_offer(*offer, local());
  ASSERT_TRUE(answer.ok()) << to_string(answer.error());
  EXPECT_EQ(codec_names(answer->media[0]), (std::vector<std::string>{"opus/109"}));
  // H.264 97 is packetization-mode 0 (the default when absent) and is not chosen.
  EXPECT_EQ(codec_names(answer->media[1]),
            (std::vector<std::string>{"VP8/120", "rtx/124", "H264/126", "rtx/127"}));
  EXPECT_EQ(answer->media[1].direction, Direction::kRecvOnly);
  EXPECT_TRUE(parse(to_string(*answer)).ok());
}

}  // namespace
}  // namespace umbra::rtc::sdp
