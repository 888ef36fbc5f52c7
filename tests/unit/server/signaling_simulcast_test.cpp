// updateSubscription's preferredLayer against a fake router: a stream published with simulcast (the
// real Chromium rid offer) gets its subscriber's layer passed to the router's video consumer; a plain
// stream, an unknown layer name and a relayed session are refused with their codes.
#include <gtest/gtest.h>

#include "hub_test_support.h"

namespace umbra::server {
namespace {

using nlohmann::json;
using Link = testing::RequestLink;

std::string offer(const char* file) {
  return testing::sdp_fixture(file);
}

class SimulcastHubTest : public testing::RoutedHubFixture {
 protected:
  std::string publish_routed(Link& link, const std::string& sdp) {
    send(link, {{"type", "publish"}, {"requestId", "p"}, {"stream", {{"name", "cam"}}}, {"sdp", sdp}});
    router_.run();
    const auto response = link.next("response");
    EXPECT_TRUE(response.contains("sdp")) << response.dump();
    return response.value("streamId", "");
  }

  void subscribe_routed(Link& link, const std::string& stream_id) {
    send(link, {{"type", "subscribe"}, {"requestId", "s"}, {"streamId", stream_id}});
    router_.run();
    EXPECT_EQ(link.next("response")["streamId"], stream_id);
  }

  json prefer(Link& link, const std::string& stream_id, const std::string& layer) {
    send(link, {{"type", "updateSubscription"},
                {"requestId", "u"},
                {"streamId", stream_id},
                {"preferredLayer", layer}});
    return link.next("response");
  }
};

TEST_F(SimulcastHubTest, APreferredLayerReachesTheRoutersVideoConsumer) {
  Link pub, sub;
  join(pub, "ses_routed");
  join(sub, "ses_routed");
  const auto stream = publish_routed(pub, offer("chromium156_publish_simulcast_offer.sdp"));
  subscribe_routed(sub, stream);

  EXPECT_EQ(prefer(sub, stream, "low")["type"], "response");
  EXPECT_EQ(prefer(sub, stream, "medium")["type"], "response");
  EXPECT_EQ(prefer(sub, stream, "high")["type"], "response");
  ASSERT_EQ(router_.preferred.size(), 3u) << "the audio consumer is left alone";
  EXPECT_EQ(router_.preferred[0].first.rfind("video_", 0), 0u);
  EXPECT_EQ(router_.preferred[0].second, 0u);
  EXPECT_EQ(router_.preferred[1].second, 1u);
  EXPECT_EQ(router_.preferred[2].second, 2u);
}

TEST_F(SimulcastHubTest, AStreamWithoutSimulcastRefusesAPreferredLayer) {
  Link pub, sub;
  join(pub, "ses_routed");
  join(sub, "ses_routed");
  const auto stream = publish_routed(pub, offer("chromium156_sendrecv_offer.sdp"));
  subscribe_routed(sub, stream);
  const auto refused = prefer(sub, stream, "low");
  EXPECT_EQ(refused["type"], "error");
  EXPECT_EQ(refused["code"], "not_simulcast");
  EXPECT_TRUE(router_.preferred.empty());
}

TEST_F(SimulcastHubTest, AnUnknownLayerNameIsABadRequest) {
  Link pub, sub;
  join(pub, "ses_routed");
  join(sub, "ses_routed");
  const auto stream = publish_routed(pub, offer("chromium156_publish_simulcast_offer.sdp"));
  subscribe_routed(sub, stream);
  const auto refused = prefer(sub, stream, "ultra");
  EXPECT_EQ(refused["code"], "bad_request");
  EXPECT_TRUE(router_.preferred.empty());
}

TEST_F(SimulcastHubTest, ARelayedSessionHasNoLayersToChoose) {
  Link pub, sub;
  join(pub, "ses_relayed");
  join(sub, "ses_relayed");
  send(pub, {{"type", "publish"}, {"requestId", "p"}, {"stream", {{"name", "cam"}}}});
  const std::string stream = pub.next("response")["streamId"];
  send(sub, {{"type", "subscribe"}, {"requestId", "s"}, {"streamId", stream}});
  sub.next("response");
  EXPECT_EQ(prefer(sub, stream, "low")["code"], "routed_required");
}

}  // namespace
}  // namespace umbra::server
