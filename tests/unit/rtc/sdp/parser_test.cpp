#include "rtc/sdp/parser.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace umbra::rtc::sdp {
namespace {

// Offers captured from Chromium 156 (Debian) with fake devices: addTransceiver(sendonly) with three
// simulcast encodings, and plain addTrack (sendrecv, SSRCs with an RTX FID group).
std::string fixture(const char* name) {
  const auto path = std::filesystem::path(__FILE__).parent_path() / name;
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_FALSE(ss.str().empty()) << "missing fixture " << path;
  return ss.str();
}

std::string simulcast_offer() {
  return fixture("chromium156_publish_simulcast_offer.sdp");
}
std::string sendrecv_offer() {
  return fixture("chromium156_sendrecv_offer.sdp");
}

TEST(SdpParser, ReadsChromiumSessionLevel) {
  auto sdp = parse(simulcast_offer());
  ASSERT_TRUE(sdp.ok()) << to_string(sdp.error());
  EXPECT_EQ(sdp->session_id, 3379334668781501856ull);
  EXPECT_EQ(sdp->session_version, 2u);
  ASSERT_NE(sdp->bundle(), nullptr);
  EXPECT_EQ(*sdp->bundle(), (std::vector<std::string>{"0", "1"}));
  EXPECT_TRUE(sdp->extmap_allow_mixed);
  EXPECT_FALSE(sdp->ice_lite);
  ASSERT_EQ(sdp->media.size(), 2u);
}

TEST(SdpParser, ReadsChromiumAudioSection) {
  auto sdp = parse(simulcast_offer());
  ASSERT_TRUE(sdp.ok()) << to_string(sdp.error());
  const auto& audio = sdp->media[0];
  EXPECT_EQ(audio.kind, "audio");
  EXPECT_EQ(audio.port, 9);
  EXPECT_EQ(audio.protocol, "UDP/TLS/RTP/SAVPF");
  EXPECT_EQ(audio.mid, "0");
  EXPECT_EQ(audio.direction, Direction::kSendOnly);
  EXPECT_TRUE(audio.rtcp_mux);
  EXPECT_TRUE(audio.rtcp_rsize);
  EXPECT_EQ(audio.ice_ufrag, "ClOC");
  EXPECT_EQ(audio.ice_pwd, "+n2OZUUcLT+kDL22UJ0FqgLd");
  EXPECT_EQ(audio.ice_options, "trickle");
  ASSERT_TRUE(audio.fingerprint.has_value());
  EXPECT_EQ(audio.fingerprint->algorithm, "sha-256");
  EXPECT_EQ(audio.fingerprint->value.substr(0, 5), "A2:E4");
  EXPECT_EQ(audio.setup, Setup::kActpass);
  ASSERT_EQ(audio.extmaps.size(), 4u);
  EXPECT_EQ(audio.extmaps[3].id, 4);
  EXPECT_EQ(audio.extmaps[3].uri, "urn:ietf:params:rtp-hdrext:sdes:mid");

  ASSERT_EQ(audio.codecs.size(), 8u);
  const Codec& opus = audio.codecs[0];
  EXPECT_EQ(opus.payload_type, 111);
  EXPECT_TRUE(opus.is("OPUS"));
  EXPECT_EQ(opus.clock_rate, 48000u);
  EXPECT_EQ(opus.channels, 2);
  EXPECT_EQ(opus.fmtp_value("useinbandfec"), "1");
  EXPECT_EQ(opus.rtcp_fb, (std::vector<std::string>{"transport-cc"}));

  ASSERT_EQ(audio.ssrcs.size(), 1u);
  EXPECT_EQ(audio.ssrcs[0].ssrc, 3587146589u);
  EXPECT_EQ(audio.ssrcs[0].cname, "wffjUETKOaGq8pOD");
  EXPECT_EQ(audio.ssrcs[0].msid, "7fddeaae-5208-4646-9476-8c5577f09418 b1657281-8ee9-4213-8b8b-85786dac72cd");
  ASSERT_EQ(audio.msids.size(), 1u);
  // Unknown attributes survive.
  ASSERT_EQ(audio.other_attributes.size(), 1u);
  EXPECT_EQ(audio.other_attributes[0].first, "rtcp-xr");
}

TEST(SdpParser, ReadsChromiumVideoCodecsRtxAndSimulcast) {
  auto sdp = parse(simulcast_offer());
  ASSERT_TRUE(sdp.ok()) << to_string(sdp.error());
  const auto& video = sdp->media[1];
  EXPECT_EQ(video.kind, "video");
  const Codec* vp8 = video.find_codec(96);
  ASSERT_NE(vp8, nullptr);
  EXPECT_EQ(vp8->name, "VP8");
  EXPECT_EQ(vp8->rtcp_fb.size(), 5u);
  const Codec* rtx = video.find_rtx_for(96);
  ASSERT_NE(rtx, nullptr);
  EXPECT_EQ(rtx->payload_type, 97);
  const Codec* h264 = video.find_codec(108);
  ASSERT_NE(h264, nullptr);
  EXPECT_EQ(h264->fmtp_value("profile-level-id"), "42e01f");
  EXPECT_EQ(h264->fmtp_value("packetization-mode"), "1");

  ASSERT_EQ(video.rids.size(), 3u);
  EXPECT_EQ(video.rids[0].id, "h");
  EXPECT_TRUE(video.rids[0].send);
  ASSERT_TRUE(video.simulcast.has_value());
  ASSERT_EQ(video.simulcast->send.size(), 3u);
  EXPECT_EQ(video.simulcast->send[2][0].rid, "l");
  EXPECT_TRUE(video.simulcast->recv.empty());
  // With rids, Chromium announces no SSRCs: they are learned from the rid header extension.
  EXPECT_TRUE(video.ssrcs.empty());
}

TEST(SdpParser, ReadsSsrcsAndTheRtxFidGroup) {
  auto sdp = parse(sendrecv_offer());
  ASSERT_TRUE(sdp.ok()) << to_string(sdp.error());
  const auto& video = sdp->media[1];
  EXPECT_EQ(video.direction, Direction::kSendRecv);
  ASSERT_EQ(video.ssrc_groups.size(), 1u);
  EXPECT_EQ(video.ssrc_groups[0].semantics, "FID");
  ASSERT_EQ(video.ssrcs.size(), 2u);
  EXPECT_EQ(video.rtx_ssrc_for(933467662u), 3921322639u);
  EXPECT_EQ(video.ssrcs[1].cname, "oruuC9urrur0Gr/p");
}

TEST(SdpParser, AcceptsBareLineFeeds) {
  std::string text = sendrecv_offer();
  std::erase(text, '\r');
  auto sdp = parse(text);
  ASSERT_TRUE(sdp.ok()) << to_string(sdp.error());
  EXPECT_EQ(sdp->media.size(), 2u);
}

TEST(SdpParser, WrittenDescriptionParsesToTheSameContent) {
  auto first = parse(simulcast_offer());
  ASSERT_TRUE(first.ok());
  const std::string text = to_string(*first);
  auto second = parse(text);
  ASSERT_TRUE(second.ok()) << to_string(second.error());
  EXPECT_EQ(to_string(*second), text);
  const auto& a = first->media[1];
  const auto& b = second->media[1];
  EXPECT_EQ(a.codecs.size(), b.codecs.size());
  EXPECT_EQ(a.extmaps.size(), b.extmaps.size());
  EXPECT_EQ(a.rids.size(), b.rids.size());
  EXPECT_EQ(b.codecs[1].apt(), 96);
  EXPECT_EQ(b.simulcast->send.size(), 3u);
  // Every line ends in CRLF.
  EXPECT_EQ(text.substr(0, 5), "v=0\r\n");
}

TEST(SdpParser, ReadsSimulcastAlternativesAndPausedStreams) {
  const std::string text =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=rtpmap:96 VP8/90000\r\n"
      "a=rid:a recv\r\na=rid:b recv\r\na=rid:c recv\r\na=simulcast:recv a,~b;c\r\n";
  auto sdp = parse(text);
  ASSERT_TRUE(sdp.ok()) << to_string(sdp.error());
  const auto& sim = *sdp->media[0].simulcast;
  ASSERT_EQ(sim.recv.size(), 2u);
  ASSERT_EQ(sim.recv[0].size(), 2u);
  EXPECT_TRUE(sim.recv[0][1].paused);
  EXPECT_EQ(sim.recv[0][1].rid, "b");
  EXPECT_FALSE(sdp->media[0].rids[0].send);
}

TEST(SdpParser, WildcardRtcpFbAppliesToEveryCodec) {
  const std::string text =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\na=rtcp-fb:* nack\r\n";
  auto sdp = parse(text);
  ASSERT_TRUE(sdp.ok()) << to_string(sdp.error());
  EXPECT_EQ(sdp->media[0].codecs[1].rtcp_fb, (std::vector<std::string>{"nack"}));
}

struct Malformed {
  const char* what;
  std::string line;
};
void PrintTo(const Malformed& m, std::ostream* os) {
  *os << m.what;
}

class SdpParserRejects : public ::testing::TestWithParam<Malformed> {};

TEST_P(SdpParserRejects, MalformedLineWithItsLineNumber) {
  const std::string text =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" +
      GetParam().line + "\r\n";
  auto sdp = parse(text);
  ASSERT_FALSE(sdp.ok()) << GetParam().what;
  EXPECT_EQ(sdp.error().line, 6u) << to_string(sdp.error());
  EXPECT_FALSE(sdp.error().message.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Lines, SdpParserRejects,
    ::testing::Values(
        Malformed{"no equals", "a"}, Malformed{"upper-case type", "A=foo"},
        Malformed{"rtpmap without clock", "a=rtpmap:111 opus"},
        Malformed{"rtpmap for unknown pt", "a=rtpmap:112 opus/48000/2"},
        Malformed{"rtpmap bad clock", "a=rtpmap:111 opus/fast"},
        Malformed{"fmtp for unknown pt", "a=fmtp:5 x=1"}, Malformed{"rtcp-fb without type", "a=rtcp-fb:111"},
        Malformed{"extmap id 0", "a=extmap:0 urn:x"}, Malformed{"extmap id 15", "a=extmap:15 urn:x"},
        Malformed{"extmap no uri", "a=extmap:3"}, Malformed{"extmap bad dir", "a=extmap:3/up urn:x"},
        Malformed{"ssrc not a number", "a=ssrc:abc cname:x"},
        Malformed{"ssrc too big", "a=ssrc:4294967296 cname:x"},
        Malformed{"ssrc-group bad ssrc", "a=ssrc-group:FID 1 x"}, Malformed{"bad setup", "a=setup:sideways"},
        Malformed{"bad fingerprint", "a=fingerprint:sha-256 ZZ:00"},
        Malformed{"fingerprint one field", "a=fingerprint:sha-256"},
        Malformed{"rid bad direction", "a=rid:h both"}, Malformed{"simulcast empty", "a=simulcast:send"},
        Malformed{"simulcast bad dir", "a=simulcast:up a;b"},
        Malformed{"simulcast empty rid", "a=simulcast:send ~"},
        Malformed{"candidate short", "a=candidate:1 1 udp 1 1.2.3.4"},
        Malformed{"sctp port", "a=sctp-port:99999"}, Malformed{"bad c=", "c=IN IP4"},
        Malformed{"second m= bad port", "m=video x UDP/TLS/RTP/SAVPF 96"},
        Malformed{"m= pt out of range", "m=video 9 UDP/TLS/RTP/SAVPF 128"},
        Malformed{"m= no formats", "m=video 9 UDP/TLS/RTP/SAVPF"}, Malformed{"empty line", "\r\na=rtcp-mux"},
        Malformed{"repeated v", "v=0"}));

TEST(SdpParser, RejectsDescriptionsThatAreNotSdp) {
  EXPECT_FALSE(parse("").ok());
  EXPECT_FALSE(parse("hello").ok());
  EXPECT_FALSE(parse("v=1\r\n").ok());
  EXPECT_FALSE(parse("v=0\r\ns=-\r\n").ok());  // no o= line
  EXPECT_FALSE(parse("v=0\r\no=- x 1 IN IP4 1.2.3.4\r\n").ok());
  EXPECT_FALSE(parse(std::string(kMaxSdpSize + 1, 'a')).ok());
}

}  // namespace
}  // namespace umbra::rtc::sdp
