// Routed sessions against the real media router in-process: the WebSocket publish carries a real
// Chromium offer and gets the router's answer; a subscriber gets the router's offer and connects with its
// answer; leaving closes everything. (Media itself is covered by the browser tests.)
#include <fstream>
#include <sstream>

#include "crypto/certificate.h"
#include "router/router.h"
#include "rtc/sdp/parser.h"
#include "server_test_support.h"

namespace umbra::server::testing {
namespace {

std::string rtc_fixture(const char* name) {
  const auto path = std::filesystem::path(__FILE__).parent_path() / ".." / "unit" / "rtc" / "sdp" / name;
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class ServerRouted : public ::testing::Test {
 protected:
  ServerRouted()
      : certificate_(crypto::Certificate::generate("umbra-test")),
        server_(dir_.path(), {}, false,
                [this](ControlPoster post) -> Result<std::unique_ptr<MediaRouter>, std::string> {
                  router::RouterOptions options;
                  options.rtc_port = 0;
                  options.workers = 1;
                  return std::unique_ptr<MediaRouter>(
                      std::make_unique<router::Router>(options, certificate_, std::move(post)));
                }) {}

  crypto::Certificate certificate_;
  TempDir dir_;
  RunningServer server_;
};

TEST_F(ServerRouted, PublishAndSubscribeNegotiateWithTheRouter) {
  const auto session = server_.call_json("POST", "/v1/sessions", {{"mediaMode", "routed"}, {"e2ee", true}});
  const std::string session_id = session["sessionId"];
  WsClient publisher(server_.port());
  ASSERT_EQ(publisher.join(client_token(session_id, Role::kPublisher))["type"], "joined");
  WsClient subscriber(server_.port());
  ASSERT_EQ(subscriber.join(client_token(session_id, Role::kSubscriber))["type"], "joined");

  const auto published = publisher.request({{"type", "publish"},
                                            {"stream", {{"name", "cam"}}},
                                            {"sdp", rtc_fixture("chromium156_sendrecv_offer.sdp")}});
  ASSERT_EQ(published["type"], "response") << published.dump();
  const auto answer = rtc::sdp::parse(published["sdp"].get<std::string>());
  ASSERT_TRUE(answer.ok());
  EXPECT_TRUE(answer->ice_lite);
  ASSERT_EQ(answer->media.size(), 2u);
  EXPECT_EQ(answer->media[1].codecs.front().name, "VP8");  // e2ee: VP8 only

  const auto created = subscriber.read_until("streamCreated");
  ASSERT_TRUE(created.has_value());
  const auto stream_id = published["streamId"];
  EXPECT_EQ((*created)["stream"]["streamId"], stream_id);

  const auto subscribed = subscriber.request({{"type", "subscribe"}, {"streamId", stream_id}});
  ASSERT_EQ(subscribed["type"], "response") << subscribed.dump();
  const auto offer = rtc::sdp::parse(subscribed["sdp"].get<std::string>());
  ASSERT_TRUE(offer.ok());
  ASSERT_EQ(offer->media.size(), 2u);
  EXPECT_EQ(offer->media[0].direction, rtc::sdp::Direction::kSendOnly);
  EXPECT_FALSE(offer->media[1].ssrcs.empty());

  const auto connected = subscriber.request({{"type", "subscribeAnswer"},
                                             {"streamId", stream_id},
                                             {"sdp", rtc_fixture("chromium156_subscribe_answer.sdp")}});
  EXPECT_EQ(connected["type"], "response") << connected.dump();
  EXPECT_EQ(subscriber.request({{"type", "subscribe"}, {"streamId", stream_id}})["code"], "conflict");
  EXPECT_EQ(
      subscriber.request({{"type", "updateSubscription"}, {"streamId", stream_id}, {"video", false}})["type"],
      "response");

  const auto metrics = server_.call("GET", "/metrics", "", "");
  EXPECT_NE(metrics.body.find("umbra_router_available 1"), std::string::npos);

  publisher.request({{"type", "leave"}});
  const auto destroyed = subscriber.read_until("streamDestroyed");
  ASSERT_TRUE(destroyed.has_value());
  EXPECT_EQ((*destroyed)["reason"], "clientDisconnected");
}

TEST_F(ServerRouted, DeletingTheSessionDisconnectsEveryone) {
  const std::string session_id = server_.create_session("routed");
  WsClient publisher(server_.port());
  ASSERT_EQ(publisher.join(client_token(session_id, Role::kPublisher))["type"], "joined");
  const auto published = publisher.request({{"type", "publish"},
                                            {"stream", {{"name", "cam"}}},
                                            {"sdp", rtc_fixture("chromium156_sendrecv_offer.sdp")}});
  ASSERT_EQ(published["type"], "response");
  EXPECT_EQ(server_.call("DELETE", "/v1/sessions/" + session_id).status, 204);
  const auto notice = publisher.read_until("disconnected");
  ASSERT_TRUE(notice.has_value());
  EXPECT_EQ((*notice)["reason"], "sessionDeleted");
  EXPECT_EQ(server_.call("GET", "/v1/sessions/" + session_id).status, 404);
}

TEST_F(ServerRouted, GarbageOfferIsABadRequestNotACrash) {
  const std::string session_id = server_.create_session("routed");
  WsClient publisher(server_.port());
  ASSERT_EQ(publisher.join(client_token(session_id, Role::kPublisher))["type"], "joined");
  const auto r =
      publisher.request({{"type", "publish"}, {"stream", json::object()}, {"sdp", "v=0\r\nnonsense"}});
  EXPECT_EQ(r["type"], "error");
  EXPECT_EQ(r["code"], "bad_request");
  const auto answerless =
      publisher.request({{"type", "subscribeAnswer"}, {"streamId", "str_x"}, {"sdp", "v=0"}});
  EXPECT_EQ(answerless["code"], "not_found");
}

}  // namespace
}  // namespace umbra::server::testing
