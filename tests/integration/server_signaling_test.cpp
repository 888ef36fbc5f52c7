// WebSocket signaling against a real server: joins, events, signals, roles, moderation over REST, resume.
#include "server_test_support.h"

namespace umbra::server::testing {
namespace {

class ServerSignaling : public ::testing::Test {
 protected:
  ServerSignaling() : server_(dir_.path()), session_(server_.create_session("relayed")) {}

  std::unique_ptr<WsClient> joined(Role role, const std::string& data, json* joined_message = nullptr) {
    auto client = std::make_unique<WsClient>(server_.port());
    const auto j = client->join(client_token(session_, role, data));
    EXPECT_EQ(j["type"], "joined") << j.dump();
    if (joined_message != nullptr) *joined_message = j;
    return client;
  }

  TempDir dir_;
  RunningServer server_;
  std::string session_;
};

TEST_F(ServerSignaling, TwoClientsSeeEachOthersConnection) {
  json ja, jb;
  auto a = joined(Role::kPublisher, "alice", &ja);
  EXPECT_EQ(ja["session"]["sessionId"], session_);
  EXPECT_EQ(ja["session"]["mediaMode"], "relayed");
  auto b = joined(Role::kPublisher, "bob", &jb);
  ASSERT_EQ(jb["connections"].size(), 1u);
  EXPECT_EQ(jb["connections"][0]["data"], "alice");
  const auto created = a->read_until("connectionCreated");
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ((*created)["connection"]["connectionId"], jb["connectionId"]);
  EXPECT_EQ((*created)["connection"]["data"], "bob");

  const auto connections = server_.call_json("GET", "/v1/sessions/" + session_ + "/connections");
  EXPECT_EQ(connections["connections"].size(), 2u);
}

TEST_F(ServerSignaling, SignalsReachOneOrEveryone) {
  json ja, jb, jc;
  auto a = joined(Role::kSubscriber, "a", &ja);
  auto b = joined(Role::kSubscriber, "b", &jb);
  auto c = joined(Role::kSubscriber, "c", &jc);

  const auto ack = a->request(
      {{"type", "signal"}, {"signalType", "chat"}, {"data", "to b"}, {"to", {jb["connectionId"]}}});
  EXPECT_EQ(ack["type"], "response");
  const auto to_b = b->read_until("signal");
  ASSERT_TRUE(to_b.has_value());
  EXPECT_EQ((*to_b)["data"], "to b");
  EXPECT_EQ((*to_b)["from"], ja["connectionId"]);

  a->request({{"type", "signal"}, {"signalType", "chat"}, {"data", "to all"}});
  // c's first signal is the broadcast: the targeted one never reached it.
  const auto to_c = c->read_until("signal");
  ASSERT_TRUE(to_c.has_value());
  EXPECT_EQ((*to_c)["data"], "to all");
  EXPECT_EQ(b->read_until("signal").value()["data"], "to all");
  EXPECT_EQ(a->read_until("signal").value()["data"], "to all");
}

TEST_F(ServerSignaling, RestSignalReachesClients) {
  auto a = joined(Role::kSubscriber, "a");
  const auto r =
      server_.call("POST", "/v1/sessions/" + session_ + "/signal", R"({"type":"note","data":"hi"})");
  EXPECT_EQ(r.status, 204);
  const auto s = a->read_until("signal");
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE((*s)["from"].is_null());
  EXPECT_EQ((*s)["signalType"], "note");
}

TEST_F(ServerSignaling, SubscriberCannotPublish) {
  auto a = joined(Role::kSubscriber, "a");
  const auto r = a->request({{"type", "publish"}, {"stream", {{"name", "cam"}}}});
  EXPECT_EQ(r["type"], "error");
  EXPECT_EQ(r["code"], "forbidden");
}

TEST_F(ServerSignaling, PublishedStreamIsSeenAndListed) {
  auto a = joined(Role::kPublisher, "a");
  auto b = joined(Role::kSubscriber, "b");
  const auto published = a->request(
      {{"type", "publish"}, {"stream", {{"name", "Ann"}, {"hasAudio", true}, {"hasVideo", false}}}});
  ASSERT_EQ(published["type"], "response");
  const auto created = b->read_until("streamCreated");
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ((*created)["stream"]["streamId"], published["streamId"]);
  EXPECT_EQ((*created)["stream"]["hasVideo"], false);
  const auto streams = server_.call_json("GET", "/v1/sessions/" + session_ + "/streams");
  ASSERT_EQ(streams["streams"].size(), 1u);

  const auto muted = server_.call(
      "POST", "/v1/sessions/" + session_ + "/streams/" + published["streamId"].get<std::string>() + "/mute");
  EXPECT_EQ(muted.status, 200);
  EXPECT_TRUE(a->read_until("forceMuted").has_value());
  const auto changed = b->read_until("streamPropertyChanged");
  ASSERT_TRUE(changed.has_value());
  EXPECT_EQ((*changed)["property"], "hasAudio");
}

TEST_F(ServerSignaling, RestForceDisconnectClosesTheSocket) {
  json ja;
  auto a = joined(Role::kPublisher, "a", &ja);
  auto b = joined(Role::kSubscriber, "b");
  const auto r = server_.call(
      "DELETE", "/v1/sessions/" + session_ + "/connections/" + ja["connectionId"].get<std::string>());
  EXPECT_EQ(r.status, 204);
  const auto notice = a->read_until("disconnected");
  ASSERT_TRUE(notice.has_value());
  EXPECT_EQ((*notice)["reason"], "forceDisconnected");
  EXPECT_FALSE(a->read().has_value());
  EXPECT_TRUE(a->closed());
  const auto gone = b->read_until("connectionDestroyed");
  ASSERT_TRUE(gone.has_value());
  EXPECT_EQ((*gone)["reason"], "forceDisconnected");
}

TEST_F(ServerSignaling, DroppedSocketResumesWithTheSameConnection) {
  json ja;
  auto a = joined(Role::kPublisher, "a", &ja);
  const auto published = a->request({{"type", "publish"}, {"stream", {{"name", "cam"}}}});
  a->drop();

  WsClient again(server_.port());
  const auto resumed = again.request({{"type", "resume"}, {"resumeToken", ja["resumeToken"]}});
  ASSERT_EQ(resumed["type"], "joined") << resumed.dump();
  EXPECT_EQ(resumed["resumed"], true);
  EXPECT_EQ(resumed["connectionId"], ja["connectionId"]);
  ASSERT_EQ(resumed["ownStreams"].size(), 1u);
  EXPECT_EQ(resumed["ownStreams"][0]["streamId"], published["streamId"]);
}

TEST_F(ServerSignaling, TokenForAnotherSessionSeesNothingOfThisOne) {
  const auto other_session = server_.create_session("relayed");
  auto a = joined(Role::kPublisher, "a");
  const auto published = a->request({{"type", "publish"}, {"stream", {{"name", "cam"}}}});
  WsClient outsider(server_.port());
  const auto j = outsider.join(client_token(other_session, Role::kModerator));
  EXPECT_TRUE(j["streams"].empty());
  EXPECT_TRUE(j["connections"].empty());
  const auto r = outsider.request({{"type", "subscribe"}, {"streamId", published["streamId"]}});
  EXPECT_EQ(r["code"], "not_found");
}

TEST_F(ServerSignaling, MalformedMessagesGetErrorsNotCrashes) {
  auto a = joined(Role::kPublisher, "a");
  a->send_raw("{\"type\":");
  const auto e = a->read_until("error");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ((*e)["code"], "bad_request");
  EXPECT_EQ(a->request({{"type", "nope"}})["code"], "unknown_type");
  EXPECT_EQ(a->request({{"type", "ping"}})["type"], "pong");
}

TEST_F(ServerSignaling, OversizedFrameClosesTheSocket) {
  auto a = joined(Role::kPublisher, "a");
  a->send_raw(json({{"type", "signal"}, {"data", std::string(70 * 1024, 'x')}}).dump());
  while (a->read().has_value()) {
  }
  EXPECT_TRUE(a->closed());
  EXPECT_EQ(a->close_code(), 1009);
}

TEST_F(ServerSignaling, RoutedSessionExplainsThatTheRouterIsMissing) {
  const auto routed = server_.create_session("routed");
  WsClient a(server_.port());
  ASSERT_EQ(a.join(client_token(routed, Role::kPublisher))["type"], "joined");
  const auto r = a.request({{"type", "publish"}, {"stream", {{"name", "cam"}}}, {"sdp", "v=0\r\n"}});
  EXPECT_EQ(r["code"], "router_unavailable");
}

}  // namespace
}  // namespace umbra::server::testing
