#include "server/routed_sdp.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "rtc/sdp/parser.h"

namespace umbra::server {
namespace {

namespace sdp = rtc::sdp;

// The rtc/sdp tests' real Chromium 156 offer (audio + video with an RTX pair).
sdp::SessionDescription chromium_offer() {
  const auto path =
      std::filesystem::path(__FILE__).parent_path() / ".." / "rtc" / "sdp" / "chromium156_sendrecv_offer.sdp";
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = sdp::parse(text.str());
  EXPECT_TRUE(parsed.ok()) << path;
  return parsed.ok() ? *parsed : sdp::SessionDescription{};
}

TransportInfo router_transport() {
  TransportInfo t;
  t.transport_id = "tr-1";
  t.ice_ufrag = "ufragR";
  t.ice_pwd = "passwordpasswordpassword";
  t.candidates = {{"1", "127.0.0.1", 7881, "udp", 2130706431, "host"}};
  t.fingerprints = {
      {"sha-256",
       "AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99"}};
  return t;
}

TEST(RoutedSdp, PublishPlanTakesOpusAndVp8WithTheBrowsersSsrcs) {
  const auto plan = plan_publish(chromium_offer(), router_transport(), false, "str_x");
  ASSERT_TRUE(plan.ok()) << plan.error();
  ASSERT_EQ(plan->producers.size(), 2u);
  const auto& audio = plan->producers[0];
  EXPECT_EQ(audio.kind, "audio");
  EXPECT_EQ(audio.stream_id, "str_x");
  ASSERT_FALSE(audio.rtp.codecs.empty());
  EXPECT_EQ(audio.rtp.codecs[0].mime_type, "audio/opus");
  EXPECT_EQ(audio.rtp.codecs[0].payload_type, 111);
  ASSERT_EQ(audio.rtp.encodings.size(), 1u);
  EXPECT_EQ(audio.rtp.encodings[0].ssrc, 3631581760u);

  const auto& video = plan->producers[1];
  EXPECT_EQ(video.kind, "video");
  EXPECT_EQ(video.rtp.codecs[0].mime_type, "video/VP8");
  EXPECT_EQ(video.rtp.codecs[0].rtx_payload_type, std::optional<std::uint8_t>(97));
  ASSERT_EQ(video.rtp.encodings.size(), 1u);
  EXPECT_EQ(video.rtp.encodings[0].ssrc, 933467662u);
  EXPECT_EQ(video.rtp.encodings[0].rtx_ssrc, std::optional<std::uint32_t>(3921322639u));

  // The browser is the DTLS client, identified by its offer's fingerprint.
  EXPECT_EQ(plan->dtls.role, "client");
  ASSERT_EQ(plan->dtls.fingerprints.size(), 1u);
  EXPECT_EQ(plan->dtls.fingerprints[0].value.substr(0, 8), "F5:B0:9E");

  // The answer is ours: ICE-lite, our credentials and our host candidate.
  const auto answer = sdp::parse(plan->answer_sdp);
  ASSERT_TRUE(answer.ok());
  EXPECT_TRUE(answer->ice_lite);
  EXPECT_EQ(answer->ice_ufrag_for(answer->media[0]), "ufragR");
  EXPECT_NE(plan->answer_sdp.find("127.0.0.1 7881 typ host"), std::string::npos);
}

TEST(RoutedSdp, OfferWithoutFingerprintIsRefused) {
  auto offer = chromium_offer();
  offer.fingerprint.reset();
  for (auto& m : offer.media) m.fingerprint.reset();
  EXPECT_FALSE(plan_publish(offer, router_transport(), false, "str_x").ok());
}

TEST(RoutedSdp, SubscribeOfferCarriesTheRoutersSsrcsAudioFirst) {
  ConsumerInfo video;
  video.consumer_id = "co-v";
  video.kind = "video";
  video.rtp.codecs = {{"video/VP8", 96, 90000, 0, "", 97}};
  video.rtp.encodings = {{1111, 2222, ""}};
  ConsumerInfo audio;
  audio.consumer_id = "co-a";
  audio.kind = "audio";
  audio.rtp.codecs = {{"audio/opus", 111, 48000, 2, "minptime=10;useinbandfec=1", std::nullopt}};
  audio.rtp.encodings = {{3333, std::nullopt, ""}};

  const auto text = subscribe_offer({video, audio}, router_transport(), "str_x");
  const auto offer = sdp::parse(text);
  ASSERT_TRUE(offer.ok()) << text;
  ASSERT_EQ(offer->media.size(), 2u);
  EXPECT_EQ(offer->media[0].kind, "audio");
  EXPECT_EQ(offer->media[1].kind, "video");
  EXPECT_EQ(offer->media[1].direction, sdp::Direction::kSendOnly);
  EXPECT_EQ(offer->media[1].rtx_ssrc_for(1111), std::optional<std::uint32_t>(2222));
  EXPECT_NE(text.find("a=ssrc:3333"), std::string::npos);
}

// The rtc/sdp tests' real Chromium 156 offer with three rid layers (a=simulcast:send h;m;l).
sdp::SessionDescription simulcast_offer() {
  const auto path = std::filesystem::path(__FILE__).parent_path() / ".." / "rtc" / "sdp" /
                    "chromium156_publish_simulcast_offer.sdp";
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto parsed = sdp::parse(text.str());
  EXPECT_TRUE(parsed.ok()) << path;
  return parsed.ok() ? *parsed : sdp::SessionDescription{};
}

const ProduceOptions* video_of(const PublishPlan& plan) {
  for (const auto& p : plan.producers) {
    if (p.kind == "video") return &p;
  }
  return nullptr;
}

TEST(RoutedSdp, RidSimulcastBecomesOneProducerWithALayerPerRidLowestFirst) {
  const auto plan = plan_publish(simulcast_offer(), router_transport(), true, "str_x");
  ASSERT_TRUE(plan.ok()) << plan.error();
  const ProduceOptions* video = video_of(*plan);
  ASSERT_NE(video, nullptr);
  ASSERT_EQ(video->rtp.encodings.size(), 3u);
  // Chromium offered h;m;l: the conventional names say which is the lowest.
  EXPECT_EQ(video->rtp.encodings[0].rid, "l");
  EXPECT_EQ(video->rtp.encodings[1].rid, "m");
  EXPECT_EQ(video->rtp.encodings[2].rid, "h");
  for (const auto& e : video->rtp.encodings) EXPECT_EQ(e.ssrc, 0u) << "bound later from the rid extension";
  bool rid_extension = false;
  for (const auto& ext : video->rtp.header_extensions) {
    rid_extension |= ext.uri == "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
  }
  EXPECT_TRUE(rid_extension) << "the router needs it to find the layers";

  const auto answer = sdp::parse(plan->answer_sdp);
  ASSERT_TRUE(answer.ok());
  const auto& m = answer->media[1];
  ASSERT_TRUE(m.simulcast);
  EXPECT_EQ(m.simulcast->recv.size(), 3u);
  EXPECT_EQ(m.rids.size(), 3u);
  EXPECT_NE(plan->answer_sdp.find("a=simulcast:recv h;m;l"), std::string::npos);
}

TEST(RoutedSdp, SimGroupSimulcastKeepsTheGroupsSsrcsAndTheirRtx) {
  auto offer = chromium_offer();
  auto& m = offer.media[1];
  m.ssrcs.clear();
  m.ssrc_groups.clear();
  for (std::uint32_t s : {100u, 200u, 300u}) {
    m.ssrcs.push_back({s, "cname", ""});
    m.ssrcs.push_back({s + 1, "cname", ""});
    m.ssrc_groups.push_back({"FID", {s, s + 1}});
  }
  m.ssrc_groups.push_back({"SIM", {100, 200, 300}});
  const auto plan = plan_publish(offer, router_transport(), false, "str_x");
  ASSERT_TRUE(plan.ok()) << plan.error();
  const ProduceOptions* video = video_of(*plan);
  ASSERT_NE(video, nullptr);
  ASSERT_EQ(video->rtp.encodings.size(), 3u);
  EXPECT_EQ(video->rtp.encodings[0].ssrc, 100u);
  EXPECT_EQ(video->rtp.encodings[2].ssrc, 300u);
  EXPECT_EQ(video->rtp.encodings[2].rtx_ssrc, std::optional<std::uint32_t>(301u));
}

TEST(RoutedSdp, MoreThanThreeSimulcastLayersAreRefused) {
  auto offer = simulcast_offer();
  auto& m = offer.media[1];
  m.rids.push_back({"x", true, {}});
  m.simulcast->send.push_back({{"x", false}});
  const auto plan = plan_publish(offer, router_transport(), false, "str_x");
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().find("at most 3"), std::string::npos);
}

}  // namespace
}  // namespace umbra::server
