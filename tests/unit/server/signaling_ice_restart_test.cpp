// restartIce / restartIceAnswer (docs/protocol.md 3.13) against a fake router: a publisher's restart offer
// is answered with the router's new ICE credentials and the same DTLS fingerprint; a subscriber gets the
// router's offer again with new credentials and a higher o= version; the stream and subscription ids stay.
// Someone else's stream, an unknown stream, a relayed session and a router without ICE restart are
// refused with their codes.
#include <gtest/gtest.h>

#include "hub_test_support.h"
#include "rtc/sdp/parser.h"

namespace umbra::server {
namespace {

using nlohmann::json;
using Link = testing::RequestLink;

std::string fixture(const char* file) {
  return testing::sdp_fixture(file);
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// What Chromium's createOffer gives after pc.restartIce(): new ufrag and pwd, a higher o= version.
std::string restart_offer() {
  auto sdp = replace_all(fixture("chromium156_sendrecv_offer.sdp"), "a=ice-ufrag:vFE9", "a=ice-ufrag:nEw1");
  sdp = replace_all(sdp, "a=ice-pwd:O/cS4K25BGlN4C2jmZYGFNqy", "a=ice-pwd:NewPasswordNewPassword1");
  return replace_all(sdp, "o=- 7890715977736528864 2 ", "o=- 7890715977736528864 3 ");
}

rtc::sdp::SessionDescription parsed(const json& message) {
  auto sdp = rtc::sdp::parse(message.value("sdp", ""));
  EXPECT_TRUE(sdp.ok()) << message.dump();
  return sdp ? *sdp : rtc::sdp::SessionDescription{};
}

std::string ufrag_of(const rtc::sdp::SessionDescription& sdp) {
  return sdp.media.empty() ? sdp.ice_ufrag : sdp.ice_ufrag_for(sdp.media.front());
}

std::string fingerprint_of(const rtc::sdp::SessionDescription& sdp) {
  if (sdp.media.empty()) return {};
  const auto fp = sdp.fingerprint_for(sdp.media.front());
  return fp ? fp->value : std::string();
}

class IceRestartHubTest : public testing::RoutedHubFixture {
 protected:
  json publish_routed(Link& link) {
    send(link, {{"type", "publish"},
                {"requestId", "p"},
                {"stream", {{"name", "cam"}}},
                {"sdp", fixture("chromium156_sendrecv_offer.sdp")}});
    router_.run();
    return link.next("response");
  }

  json subscribe_routed(Link& link, const std::string& stream_id) {
    send(link, {{"type", "subscribe"}, {"requestId", "s"}, {"streamId", stream_id}});
    router_.run();
    const auto offer = link.next("response");
    send(link, {{"type", "subscribeAnswer"},
                {"requestId", "a"},
                {"streamId", stream_id},
                {"sdp", fixture("chromium156_subscribe_answer.sdp")}});
    router_.run();
    EXPECT_EQ(link.next("response")["type"], "response");
    return offer;
  }

  json restart(Link& link, json message) {
    message["type"] = "restartIce";
    message["requestId"] = "r";
    send(link, message);
    router_.run();
    return link.next("response");
  }
};

TEST_F(IceRestartHubTest, APublishersRestartOfferIsAnsweredWithTheRoutersNewCredentials) {
  Link pub;
  join(pub, "ses_routed");
  const auto published = publish_routed(pub);
  const std::string stream = published["streamId"];
  const auto first = parsed(published);

  const auto restarted = restart(pub, {{"streamId", stream}, {"sdp", restart_offer()}});
  ASSERT_EQ(restarted["type"], "response") << restarted.dump();
  EXPECT_EQ(restarted["streamId"], stream);
  const auto answer = parsed(restarted);
  EXPECT_EQ(ufrag_of(first), "ufragR");
  EXPECT_EQ(ufrag_of(answer), "ufragR1");
  EXPECT_EQ(answer.ice_pwd_for(answer.media.front()), "newpasswordnewpassword1");
  EXPECT_EQ(fingerprint_of(answer), fingerprint_of(first)) << "an ICE restart keeps DTLS";
  EXPECT_EQ(answer.media.size(), first.media.size());
  EXPECT_GT(answer.session_version, first.session_version);
  ASSERT_EQ(router_.restarts.size(), 1u);
  EXPECT_EQ(router_.restarts[0].second, "nEw1") << "the router learns the browser's new ufrag";
  EXPECT_EQ(router_.connects, 1) << "DTLS is not connected again";
}

TEST_F(IceRestartHubTest, ASubscriberGetsTheRoutersOfferAgainWithNewCredentials) {
  Link pub, sub;
  join(pub, "ses_routed");
  join(sub, "ses_routed");
  const std::string stream = publish_routed(pub)["streamId"];
  const auto first = parsed(subscribe_routed(sub, stream));
  const int connects = router_.connects;

  const auto restarted = restart(sub, {{"streamId", stream}});
  ASSERT_EQ(restarted["type"], "response") << restarted.dump();
  EXPECT_EQ(restarted["streamId"], stream);
  const auto offer = parsed(restarted);
  EXPECT_EQ(ufrag_of(offer), "ufragR1");
  EXPECT_NE(ufrag_of(offer), ufrag_of(first));
  EXPECT_EQ(fingerprint_of(offer), fingerprint_of(first));
  EXPECT_EQ(offer.session_version, first.session_version + 1) << "RFC 3264 section 8";
  ASSERT_EQ(offer.media.size(), first.media.size());
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    ASSERT_FALSE(offer.media[i].ssrcs.empty());
    EXPECT_EQ(offer.media[i].ssrcs.front().ssrc, first.media[i].ssrcs.front().ssrc) << "same consumers";
  }

  auto answer =
      replace_all(fixture("chromium156_subscribe_answer.sdp"), "a=ice-ufrag:EiY4", "a=ice-ufrag:AnS2");
  send(sub, {{"type", "restartIceAnswer"}, {"requestId", "ra"}, {"streamId", stream}, {"sdp", answer}});
  router_.run();
  EXPECT_EQ(sub.next("response")["requestId"], "ra");
  EXPECT_EQ(router_.connects, connects) << "DTLS is not connected again";

  // A second restart goes on from the first one's offer.
  const auto again = parsed(restart(sub, {{"streamId", stream}}));
  EXPECT_EQ(ufrag_of(again), "ufragR2");
  EXPECT_EQ(again.session_version, first.session_version + 2);
}

TEST_F(IceRestartHubTest, SomeoneElsesStreamIsNotFound) {
  Link pub, other;
  join(pub, "ses_routed");
  join(other, "ses_routed");
  const std::string stream = publish_routed(pub)["streamId"];
  const auto refused = restart(other, {{"streamId", stream}, {"sdp", restart_offer()}});
  EXPECT_EQ(refused["code"], "not_found");
  EXPECT_TRUE(router_.restarts.empty());
}

TEST_F(IceRestartHubTest, AnUnknownStreamIsNotFound) {
  Link pub;
  join(pub, "ses_routed");
  EXPECT_EQ(restart(pub, {{"streamId", "str_nope"}, {"sdp", restart_offer()}})["code"], "not_found");
  send(pub, {{"type", "restartIceAnswer"}, {"requestId", "x"}, {"streamId", "str_nope"}, {"sdp", "v=0"}});
  EXPECT_EQ(pub.next("response")["code"], "not_found");
}

TEST_F(IceRestartHubTest, ARelayedSessionIsRefused) {
  Link pub;
  join(pub, "ses_relayed");
  EXPECT_EQ(restart(pub, {{"streamId", "str_x"}})["code"], "routed_required");
}

TEST_F(IceRestartHubTest, ARouterWithoutIceRestartSaysSo) {
  Link pub, sub;
  join(pub, "ses_routed");
  join(sub, "ses_routed");
  const std::string stream = publish_routed(pub)["streamId"];
  subscribe_routed(sub, stream);
  router_.supports_restart = false;
  EXPECT_EQ(restart(pub, {{"streamId", stream}, {"sdp", restart_offer()}})["code"],
            "ice_restart_unsupported");
  EXPECT_EQ(restart(sub, {{"streamId", stream}})["code"], "ice_restart_unsupported");
}

TEST_F(IceRestartHubTest, APublisherMustSendAnOfferAndASubscriberMustNot) {
  Link pub, sub;
  join(pub, "ses_routed");
  join(sub, "ses_routed");
  const std::string stream = publish_routed(pub)["streamId"];
  subscribe_routed(sub, stream);
  EXPECT_EQ(restart(pub, {{"streamId", stream}})["code"], "bad_request");
  EXPECT_EQ(restart(sub, {{"streamId", stream}, {"sdp", restart_offer()}})["code"], "bad_request");
  EXPECT_EQ(restart(pub, {{"streamId", stream}, {"sdp", "not sdp"}})["code"], "bad_request");
  EXPECT_TRUE(router_.restarts.empty());
}

TEST_F(IceRestartHubTest, ARestartOfferWithOtherTracksFailsNegotiation) {
  Link pub;
  join(pub, "ses_routed");
  const std::string stream = publish_routed(pub)["streamId"];
  // The video section rejected (port 0): the stream would lose a track the router still has.
  const auto offer = replace_all(restart_offer(), "m=video 9 ", "m=video 0 ");
  const auto refused = restart(pub, {{"streamId", stream}, {"sdp", offer}});
  EXPECT_EQ(refused["code"], "negotiation_failed") << refused.dump();
}

TEST_F(IceRestartHubTest, AStreamUnpublishedDuringTheRestartIsNotFound) {
  Link pub;
  join(pub, "ses_routed");
  const std::string stream = publish_routed(pub)["streamId"];
  send(pub, {{"type", "restartIce"}, {"requestId", "r"}, {"streamId", stream}, {"sdp", restart_offer()}});
  send(pub, {{"type", "unpublish"}, {"requestId", "u"}, {"streamId", stream}});
  router_.run();
  EXPECT_EQ(pub.next("response")["requestId"], "u");
  const auto late = pub.next("response");
  EXPECT_EQ(late["requestId"], "r");
  EXPECT_EQ(late["code"], "not_found");
}

}  // namespace
}  // namespace umbra::server
