#include "server/signaling_hub.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "hub_test_support.h"

namespace umbra::server {
namespace {

using nlohmann::json;
using testing::AnsweringRouter;
using testing::FakeLink;
using testing::kCreds;
using testing::kT0;

class HubTest : public ::testing::Test {
 protected:
  HubTest() : HubTest(make_unavailable_media_router()) {}
  explicit HubTest(std::unique_ptr<MediaRouter> router)
      : router_(std::move(router)),
        hub_(
            HubConfig{kCreds},
            [this](const std::string& id) -> std::optional<SessionRecord> {
              const auto it = sessions_.find(id);
              if (it == sessions_.end()) return std::nullopt;
              return it->second;
            },
            *router_) {
    add_session("ses_relayed", MediaMode::kRelayed);
    add_session("ses_other", MediaMode::kRelayed);
    add_session("ses_routed", MediaMode::kRouted);
  }

  void add_session(const std::string& id, MediaMode mode) {
    SessionRecord r;
    r.id = id;
    r.media_mode = mode;
    sessions_[id] = r;
  }

  std::string token(const std::string& session, Role role, std::string data = "") {
    return mint_client_token(kCreds, {session, role, 3600, std::move(data)}, kT0 / 1000)->token;
  }

  void send(FakeLink& link, const json& message) { hub_.on_message(link, message.dump(), now_); }

  // Opens a link and joins; returns the joined message.
  json join(FakeLink& link, const std::string& session, Role role, std::string data = "") {
    hub_.on_open(link, now_);
    send(link, {{"type", "join"}, {"requestId", 1}, {"token", token(session, role, std::move(data))}});
    return link.next("joined");
  }

  std::string publish(FakeLink& link, json stream = {{"name", "cam"}}) {
    send(link, {{"type", "publish"}, {"requestId", "p"}, {"stream", stream}});
    return link.next("response")["streamId"];
  }

  std::map<std::string, SessionRecord> sessions_;
  std::unique_ptr<MediaRouter> router_;
  SignalingHub hub_;
  std::int64_t now_ = kT0;
};

TEST_F(HubTest, SecondClientIsAnnouncedToTheFirstAndSeesIt) {
  FakeLink a, b;
  const auto joined_a = join(a, "ses_relayed", Role::kPublisher, "name=A");
  EXPECT_EQ(joined_a["session"]["mediaMode"], "relayed");
  EXPECT_TRUE(joined_a["connections"].empty());
  const auto joined_b = join(b, "ses_relayed", Role::kPublisher, "name=B");
  ASSERT_EQ(joined_b["connections"].size(), 1u);
  EXPECT_EQ(joined_b["connections"][0]["connectionId"], joined_a["connectionId"]);
  const auto created = a.next("connectionCreated");
  EXPECT_EQ(created["connection"]["connectionId"], joined_b["connectionId"]);
  EXPECT_EQ(created["connection"]["data"], "name=B");
}

TEST_F(HubTest, JoinWithBadTokenIsRefused) {
  FakeLink a;
  hub_.on_open(a, now_);
  send(a, {{"type", "join"}, {"requestId", 1}, {"token", "nope"}});
  const auto error = a.next("error");
  EXPECT_EQ(error["code"], "invalid_token");
  EXPECT_EQ(error["requestId"], 1);
}

TEST_F(HubTest, JoinToUnknownSessionIsRefused) {
  FakeLink a;
  hub_.on_open(a, now_);
  send(a, {{"type", "join"}, {"requestId", 1}, {"token", token("ses_missing", Role::kPublisher)}});
  EXPECT_EQ(a.next("error")["code"], "session_not_found");
}

TEST_F(HubTest, RequestsBeforeJoinAreRefused) {
  FakeLink a;
  hub_.on_open(a, now_);
  send(a, {{"type", "publish"}, {"requestId", 7}});
  EXPECT_EQ(a.next("error")["code"], "not_joined");
}

TEST_F(HubTest, MalformedAndUnknownMessagesGetErrors) {
  FakeLink a;
  join(a, "ses_relayed", Role::kPublisher);
  hub_.on_message(a, "{not json", now_);
  EXPECT_EQ(a.next("error")["code"], "bad_request");
  hub_.on_message(a, "[1,2]", now_);
  EXPECT_EQ(a.next("error")["code"], "bad_request");
  send(a, {{"type", "teleport"}, {"requestId", 3}});
  EXPECT_EQ(a.next("error")["code"], "unknown_type");
  send(a, {{"type", "publish"}, {"requestId", json::object()}});
  EXPECT_EQ(a.next("error")["code"], "bad_request");
}

TEST_F(HubTest, PublishedStreamIsAnnouncedToOthersWithItsProperties) {
  FakeLink a, b;
  join(a, "ses_relayed", Role::kPublisher);
  join(b, "ses_relayed", Role::kSubscriber);
  const auto id = publish(a, {{"name", "Ann"},
                              {"hasAudio", true},
                              {"hasVideo", true},
                              {"videoType", "screen"},
                              {"videoDimensions", {{"width", 1920}, {"height", 1080}}}});
  const auto created = b.next("streamCreated")["stream"];
  EXPECT_EQ(created["streamId"], id);
  EXPECT_EQ(created["videoType"], "screen");
  EXPECT_EQ(created["videoDimensions"]["width"], 1920);
  EXPECT_FALSE(a.has("streamCreated"));
}

TEST_F(HubTest, SubscriberCannotPublish) {
  FakeLink a;
  join(a, "ses_relayed", Role::kSubscriber);
  send(a, {{"type", "publish"}, {"requestId", 2}, {"stream", {{"name", "x"}}}});
  const auto error = a.next("error");
  EXPECT_EQ(error["code"], "forbidden");
  EXPECT_EQ(error["requestId"], 2);
}

TEST_F(HubTest, PublisherOnlyCannotSubscribe) {
  FakeLink a, b;
  join(a, "ses_relayed", Role::kPublisher);
  join(b, "ses_relayed", Role::kPublisherOnly);
  const auto id = publish(a);
  send(b, {{"type", "subscribe"}, {"requestId", 2}, {"streamId", id}});
  EXPECT_EQ(b.next("error")["code"], "forbidden");
}

TEST_F(HubTest, StreamOfAnotherSessionIsNotFound) {
  FakeLink a, intruder;
  join(a, "ses_relayed", Role::kPublisher);
  join(intruder, "ses_other", Role::kModerator);
  const auto id = publish(a);
  send(intruder, {{"type", "subscribe"}, {"requestId", 1}, {"streamId", id}});
  EXPECT_EQ(intruder.next("error")["code"], "not_found");
  send(intruder, {{"type", "forceMute"}, {"requestId", 2}, {"streamId", id}});
  EXPECT_EQ(intruder.next("error")["code"], "not_found");
  EXPECT_FALSE(intruder.has("streamCreated"));
  EXPECT_FALSE(a.has("connectionCreated"));
}

TEST_F(HubTest, SignalToEveryoneIncludesTheSender) {
  FakeLink a, b;
  const auto ja = join(a, "ses_relayed", Role::kSubscriber);
  join(b, "ses_relayed", Role::kSubscriber);
  send(a, {{"type", "signal"}, {"requestId", 5}, {"signalType", "chat"}, {"data", "hi"}});
  EXPECT_EQ(a.next("response")["requestId"], 5);
  const auto to_b = b.next("signal");
  EXPECT_EQ(to_b["from"], ja["connectionId"]);
  EXPECT_EQ(to_b["data"], "hi");
  EXPECT_EQ(a.next("signal")["signalType"], "chat");
}

TEST_F(HubTest, SignalToOneReachesOnlyThatConnection) {
  FakeLink a, b, c;
  join(a, "ses_relayed", Role::kSubscriber);
  const auto jb = join(b, "ses_relayed", Role::kSubscriber);
  join(c, "ses_relayed", Role::kSubscriber);
  send(a, {{"type", "signal"}, {"requestId", 5}, {"data", "psst"}, {"to", {jb["connectionId"]}}});
  EXPECT_EQ(b.next("signal")["data"], "psst");
  EXPECT_FALSE(c.has("signal"));
  EXPECT_FALSE(a.has("signal"));
}

TEST_F(HubTest, OversizedSignalIsRefused) {
  FakeLink a;
  join(a, "ses_relayed", Role::kSubscriber);
  send(a, {{"type", "signal"}, {"requestId", 5}, {"data", std::string(8193, 'x')}});
  EXPECT_EQ(a.next("error")["code"], "message_too_large");
  send(a, {{"type", "signal"}, {"requestId", 6}, {"signalType", std::string(129, 't')}, {"data", "x"}});
  EXPECT_EQ(a.next("error")["code"], "message_too_large");
}

TEST_F(HubTest, SignalToConnectionOfAnotherSessionIsNotFound) {
  FakeLink a, other;
  join(a, "ses_relayed", Role::kSubscriber);
  const auto jo = join(other, "ses_other", Role::kSubscriber);
  send(a, {{"type", "signal"}, {"requestId", 5}, {"data", "x"}, {"to", {jo["connectionId"]}}});
  EXPECT_EQ(a.next("error")["code"], "not_found");
  EXPECT_FALSE(other.has("signal"));
}

TEST_F(HubTest, RelayedOfferGoesFromPublisherToSubscriberOnly) {
  FakeLink pub, sub, stranger;
  const auto jp = join(pub, "ses_relayed", Role::kPublisher);
  const auto js = join(sub, "ses_relayed", Role::kSubscriber);
  join(stranger, "ses_relayed", Role::kPublisher);
  const auto id = publish(pub);
  send(sub, {{"type", "subscribe"}, {"requestId", 1}, {"streamId", id}});
  sub.next("response");
  EXPECT_EQ(pub.next("subscriberAdded")["connectionId"], js["connectionId"]);

  send(pub,
       {{"type", "offer"}, {"requestId", 2}, {"to", js["connectionId"]}, {"streamId", id}, {"sdp", "v=0"}});
  const auto offer = sub.next("offer");
  EXPECT_EQ(offer["from"], jp["connectionId"]);
  EXPECT_EQ(offer["sdp"], "v=0");
  EXPECT_FALSE(offer.contains("requestId"));

  send(sub,
       {{"type", "answer"}, {"requestId", 3}, {"to", jp["connectionId"]}, {"streamId", id}, {"sdp", "v=0"}});
  EXPECT_EQ(pub.next("answer")["from"], js["connectionId"]);

  send(stranger,
       {{"type", "offer"}, {"requestId", 4}, {"to", js["connectionId"]}, {"streamId", id}, {"sdp", "x"}});
  EXPECT_EQ(stranger.next("error")["code"], "forbidden");
  EXPECT_FALSE(sub.has("offer"));
}

TEST_F(HubTest, RoutedPublishSaysTheRouterIsUnavailable) {
  FakeLink a;
  join(a, "ses_routed", Role::kPublisher);
  send(a, {{"type", "publish"}, {"requestId", 2}, {"stream", {{"name", "x"}}}, {"sdp", "v=0"}});
  const auto error = a.next("error");
  EXPECT_EQ(error["code"], "router_unavailable");
  EXPECT_NE(error["message"].get<std::string>().find("relayed"), std::string::npos);
}

TEST_F(HubTest, UpdateStreamNotifiesOthersOfEachChangedProperty) {
  FakeLink a, b;
  join(a, "ses_relayed", Role::kPublisher);
  join(b, "ses_relayed", Role::kSubscriber);
  const auto id = publish(a, {{"hasAudio", true}, {"hasVideo", true}});
  send(a, {{"type", "updateStream"},
           {"requestId", 3},
           {"streamId", id},
           {"hasAudio", false},
           {"hasVideo", true}});
  const auto changed = b.next("streamPropertyChanged");
  EXPECT_EQ(changed["property"], "hasAudio");
  EXPECT_EQ(changed["newValue"], false);
  EXPECT_FALSE(b.has("streamPropertyChanged"));  // hasVideo did not change
}

TEST_F(HubTest, ModeratorForceMuteTellsThePublisherAndEveryone) {
  FakeLink pub, mod, other;
  join(pub, "ses_relayed", Role::kPublisher);
  join(mod, "ses_relayed", Role::kModerator);
  join(other, "ses_relayed", Role::kPublisher);
  const auto id = publish(pub, {{"hasAudio", true}});
  send(other, {{"type", "forceMute"}, {"requestId", 1}, {"streamId", id}});
  EXPECT_EQ(other.next("error")["code"], "forbidden");
  send(mod, {{"type", "forceMute"}, {"requestId", 2}, {"streamId", id}});
  EXPECT_EQ(pub.next("forceMuted")["streamId"], id);
  EXPECT_EQ(pub.next("streamPropertyChanged")["newValue"], false);
  EXPECT_EQ(other.next("streamPropertyChanged")["property"], "hasAudio");
}

TEST_F(HubTest, ForceDisconnectRemovesStreamsThenConnection) {
  FakeLink pub, mod;
  const auto jp = join(pub, "ses_relayed", Role::kPublisher);
  join(mod, "ses_relayed", Role::kModerator);
  const auto id = publish(pub);
  mod.inbox.clear();
  send(mod, {{"type", "forceDisconnect"}, {"requestId", 9}, {"connectionId", jp["connectionId"]}});
  EXPECT_EQ(pub.next("disconnected")["reason"], "forceDisconnected");
  EXPECT_EQ(pub.closed_with, kCloseNormal);
  mod.next("response");
  const auto destroyed = mod.inbox.at(0);
  EXPECT_EQ(destroyed["type"], "streamDestroyed");
  EXPECT_EQ(destroyed["streamId"], id);
  EXPECT_EQ(destroyed["reason"], "forceDisconnected");
  EXPECT_EQ(mod.inbox.at(1)["type"], "connectionDestroyed");
  EXPECT_EQ(mod.inbox.at(1)["reason"], "forceDisconnected");
  EXPECT_EQ(hub_.live_connections(), 1u);
}

TEST_F(HubTest, DroppedSocketResumesWithSameConnectionAndStreams) {
  FakeLink a, b;
  const auto ja = join(a, "ses_relayed", Role::kPublisher);
  join(b, "ses_relayed", Role::kSubscriber);
  const auto id = publish(a);
  hub_.on_close(a, now_);
  now_ += 20'000;
  hub_.tick(now_);
  EXPECT_FALSE(b.has("connectionDestroyed"));

  FakeLink a2;
  hub_.on_open(a2, now_);
  send(a2, {{"type", "resume"}, {"requestId", 1}, {"resumeToken", ja["resumeToken"]}});
  const auto resumed = a2.next("joined");
  EXPECT_TRUE(resumed["resumed"]);
  EXPECT_EQ(resumed["connectionId"], ja["connectionId"]);
  ASSERT_EQ(resumed["ownStreams"].size(), 1u);
  EXPECT_EQ(resumed["ownStreams"][0]["streamId"], id);
  EXPECT_NE(resumed["resumeToken"], ja["resumeToken"]);

  // The old resume token is single-use.
  FakeLink a3;
  hub_.on_open(a3, now_);
  send(a3, {{"type", "resume"}, {"requestId", 1}, {"resumeToken", ja["resumeToken"]}});
  EXPECT_EQ(a3.next("error")["code"], "resume_failed");
}

TEST_F(HubTest, ConnectionIsGoneAfterTheResumeWindow) {
  FakeLink a, b;
  const auto ja = join(a, "ses_relayed", Role::kPublisher);
  join(b, "ses_relayed", Role::kSubscriber);
  publish(a);
  hub_.on_close(a, now_);
  now_ += 30'000;
  hub_.tick(now_);
  EXPECT_EQ(b.next("streamDestroyed")["reason"], "networkDisconnected");
  const auto gone = b.next("connectionDestroyed");
  EXPECT_EQ(gone["connectionId"], ja["connectionId"]);
  EXPECT_EQ(gone["reason"], "networkDisconnected");

  FakeLink late;
  hub_.on_open(late, now_);
  send(late, {{"type", "resume"}, {"requestId", 1}, {"resumeToken", ja["resumeToken"]}});
  EXPECT_EQ(late.next("error")["code"], "resume_failed");
}

TEST_F(HubTest, LeaveIsAnnouncedAsClientDisconnected) {
  FakeLink a, b;
  join(a, "ses_relayed", Role::kPublisher);
  join(b, "ses_relayed", Role::kSubscriber);
  send(a, {{"type", "leave"}, {"requestId", 4}});
  EXPECT_EQ(a.next("response")["requestId"], 4);
  EXPECT_EQ(a.closed_with, kCloseNormal);
  EXPECT_EQ(b.next("connectionDestroyed")["reason"], "clientDisconnected");
}

TEST_F(HubTest, FloodGetsRateLimitedThenDisconnected) {
  FakeLink a, b;
  join(a, "ses_relayed", Role::kPublisher);
  join(b, "ses_relayed", Role::kSubscriber);
  for (int i = 0; i < 400 && a.closed_with == 0; ++i) send(a, {{"type", "ping"}, {"requestId", i}});
  EXPECT_TRUE(a.has("error"));
  EXPECT_EQ(a.next("error")["code"], "rate_limited");
  EXPECT_EQ(a.next("disconnected")["reason"], "policyViolation");
  EXPECT_EQ(a.closed_with, kClosePolicy);
  EXPECT_EQ(b.next("connectionDestroyed")["reason"], "policyViolation");
}

TEST_F(HubTest, SocketThatNeverJoinsIsClosed) {
  FakeLink a;
  hub_.on_open(a, now_);
  hub_.tick(now_ + 9'000);
  EXPECT_EQ(a.closed_with, 0);
  hub_.tick(now_ + 10'000);
  EXPECT_EQ(a.closed_with, kClosePolicy);
}

TEST_F(HubTest, RestSignalArrivesFromNull) {
  FakeLink a;
  join(a, "ses_relayed", Role::kSubscriber);
  ASSERT_TRUE(hub_.signal("ses_relayed", "note", "hello", {}).ok());
  const auto s = a.next("signal");
  EXPECT_TRUE(s["from"].is_null());
  EXPECT_EQ(s["data"], "hello");
  EXPECT_FALSE(hub_.signal("ses_relayed", "note", "x", {"con_nobody"}).ok());
}

TEST_F(HubTest, EndSessionDisconnectsEveryone) {
  FakeLink a;
  join(a, "ses_relayed", Role::kSubscriber);
  hub_.end_session("ses_relayed");
  EXPECT_EQ(a.next("disconnected")["reason"], "sessionDeleted");
  EXPECT_EQ(hub_.live_sessions(), 0u);
}

TEST_F(HubTest, JoinedSaysNoArchiveWhenNothingRecords) {
  FakeLink a;
  const auto joined = join(a, "ses_relayed", Role::kPublisher);
  ASSERT_TRUE(joined.contains("archive"));
  EXPECT_TRUE(joined["archive"].is_null());
}

TEST_F(HubTest, ArchiveHooksSeeStreamsAndFeedJoinedAndEvents) {
  std::vector<std::string> seen;
  hub_.set_archive_hooks(ArchiveHooks{
      [&](const SessionRecord& s, const std::string& id) { seen.push_back("+" + s.id + "/" + id); },
      [&](const SessionRecord& s, const std::string& id) { seen.push_back("-" + s.id + "/" + id); },
      [](const std::string& session_id) -> json {
        return {{"id", "arc_x"}, {"sessionId", session_id}, {"status", "started"}};
      }});
  FakeLink a, b;
  const auto joined = join(a, "ses_relayed", Role::kPublisher);
  EXPECT_EQ(joined["archive"]["id"], "arc_x");
  const auto stream = publish(a);
  join(b, "ses_relayed", Role::kSubscriber);
  hub_.broadcast_to_session("ses_relayed", {{"type", "archiveStopped"}, {"archive", {{"id", "arc_x"}}}});
  EXPECT_EQ(a.next("archiveStopped")["archive"]["id"], "arc_x");
  EXPECT_EQ(b.next("archiveStopped")["archive"]["id"], "arc_x");
  send(a, {{"type", "unpublish"}, {"requestId", "u"}, {"streamId", stream}});
  EXPECT_EQ(seen, (std::vector<std::string>{"+ses_relayed/" + stream, "-ses_relayed/" + stream}));
}

// ---- routed sessions: transports the router closes on its own ----------------------------------------

// The rtc/sdp tests' real Chromium 156 offer (audio + video).
std::string chromium_offer() {
  return testing::sdp_fixture("chromium156_sendrecv_offer.sdp");
}

class RoutedHubTest : public HubTest {
 protected:
  RoutedHubTest() : HubTest(std::make_unique<AnsweringRouter>()) {
    hub_.set_archive_hooks(ArchiveHooks{
        [this](const SessionRecord&, const std::string& id) { archived.push_back("+" + id); },
        [this](const SessionRecord&, const std::string& id) { archived.push_back("-" + id); }, nullptr});
  }
  AnsweringRouter& router() { return static_cast<AnsweringRouter&>(*router_); }

  // Joins and returns the connection id.
  std::string enter(FakeLink& link, Role role) { return join(link, "ses_routed", role)["connectionId"]; }
  std::string publish_routed(FakeLink& link) {
    send(link,
         {{"type", "publish"}, {"requestId", "p"}, {"stream", {{"name", "cam"}}}, {"sdp", chromium_offer()}});
    router().run();
    const auto response = link.next("response");
    EXPECT_TRUE(response.contains("sdp")) << response.dump();
    return response.value("streamId", "");
  }
  void subscribe_routed(FakeLink& link, const std::string& stream_id) {
    send(link, {{"type", "subscribe"}, {"requestId", "s"}, {"streamId", stream_id}});
    router().run();
    EXPECT_EQ(link.next("response")["streamId"], stream_id);
  }
  // What the router's hook does when a transport dies on its own.
  void router_closes(const std::string& transport_id) {
    ASSERT_TRUE(router().transport_closed) << "the hub did not register for closed transports";
    router().transport_closed(transport_id, "ice consent expired (no checks for 30 s)");
  }
  static std::vector<std::string> types(const FakeLink& link) {
    std::vector<std::string> out;
    for (const auto& m : link.inbox) out.push_back(m["type"]);
    return out;
  }

  std::vector<std::string> archived;  // "+stream" / "-stream" as the archive hooks saw them
};

TEST_F(RoutedHubTest, PublisherWhoseTransportDiesLosesTheStreamAndEveryoneIsTold) {
  FakeLink a, b, c;
  const auto publisher = enter(a, Role::kPublisher);
  const auto subscriber = enter(b, Role::kSubscriber);
  enter(c, Role::kSubscriber);
  const auto stream = publish_routed(a);
  subscribe_routed(b, stream);
  ASSERT_EQ(hub_.streams_json("ses_routed").size(), 1u);
  const auto publisher_transport = router().transports_of(publisher).at(0);
  const auto subscriber_transport = router().transports_of(subscriber).at(0);

  router_closes(publisher_transport);

  for (FakeLink* link : {&a, &b, &c}) {
    const auto destroyed = link->next("streamDestroyed");
    EXPECT_EQ(destroyed["streamId"], stream);
    EXPECT_EQ(destroyed["connectionId"], publisher);
    EXPECT_EQ(destroyed["reason"], "mediaFailed");
  }
  // Gone from GET /v1/sessions/{id}/streams (which serves streams_json), from the archive's view,
  // and the subscriber's now useless transport is closed by the server.
  EXPECT_TRUE(hub_.streams_json("ses_routed").empty());
  EXPECT_EQ(hub_.live_streams(), 0u);
  EXPECT_EQ(archived, (std::vector<std::string>{"+" + stream, "-" + stream}));
  EXPECT_NE(std::find(router().closed.begin(), router().closed.end(), subscriber_transport),
            router().closed.end());
  // The publisher is still connected and may publish again.
  EXPECT_FALSE(publish_routed(a).empty());
}

TEST_F(RoutedHubTest, SubscriberWhoseTransportDiesIsToldAndThePublisherSeesItLeave) {
  FakeLink a, b, c;
  enter(a, Role::kPublisher);
  const auto dropped = enter(b, Role::kSubscriber);
  const auto kept = enter(c, Role::kSubscriber);
  const auto stream = publish_routed(a);
  subscribe_routed(b, stream);
  subscribe_routed(c, stream);
  a.inbox.clear();
  c.inbox.clear();

  router_closes(router().transports_of(dropped).at(0));

  const auto failed = b.next("subscriptionFailed");
  EXPECT_EQ(failed["streamId"], stream);
  EXPECT_EQ(failed["reason"], "mediaFailed");
  const auto removed = a.next("subscriberRemoved");
  EXPECT_EQ(removed["streamId"], stream);
  EXPECT_EQ(removed["connectionId"], dropped);
  EXPECT_TRUE(c.inbox.empty()) << "the other subscriber keeps the stream";
  ASSERT_EQ(hub_.streams_json("ses_routed").size(), 1u);
  EXPECT_EQ(archived, (std::vector<std::string>{"+" + stream}));
  (void)kept;

  // The subscription is gone, so the subscriber can subscribe again (not `conflict`).
  subscribe_routed(b, stream);
}

TEST_F(RoutedHubTest, ASubscriptionThatFailedWhileSuspendedIsMissingFromTheResumedSnapshot) {
  FakeLink a, b;
  enter(a, Role::kPublisher);
  const auto joined = join(b, "ses_routed", Role::kSubscriber);
  const std::string subscriber = joined["connectionId"];
  const auto kept = publish_routed(a);
  const auto lost = publish_routed(a);
  subscribe_routed(b, kept);
  subscribe_routed(b, lost);
  const auto transports = router().transports_of(subscriber);
  ASSERT_EQ(transports.size(), 2u);

  hub_.on_close(b, now_);
  // The second subscription's transport dies while nobody can be told.
  router_closes(transports.at(1));
  EXPECT_FALSE(b.has("subscriptionFailed"));

  FakeLink b2;
  hub_.on_open(b2, now_);
  send(b2, {{"type", "resume"}, {"requestId", 1}, {"resumeToken", joined["resumeToken"]}});
  const auto resumed = b2.next("joined");
  EXPECT_TRUE(resumed["resumed"]);
  EXPECT_EQ(resumed["subscriptions"], json::array({kept}));
  ASSERT_EQ(resumed["streams"].size(), 2u) << "the stream itself is still published";
}

TEST_F(RoutedHubTest, TransportsTheServerClosedItselfAreNotAnnouncedTwice) {
  FakeLink a, b;
  enter(a, Role::kPublisher);
  enter(b, Role::kSubscriber);
  const auto first = publish_routed(a);
  const auto second = publish_routed(a);
  subscribe_routed(b, second);

  send(b, {{"type", "unsubscribe"}, {"requestId", "u1"}, {"streamId", second}});
  send(a, {{"type", "unpublish"}, {"requestId", "u2"}, {"streamId", first}});
  EXPECT_EQ(b.next("streamDestroyed")["reason"], "unpublished");
  ASSERT_EQ(router().closed.size(), 2u);
  a.inbox.clear();
  b.inbox.clear();

  // The router reports the closures it was asked for, as the real one does.
  for (const auto& id : std::vector<std::string>(router().closed)) router_closes(id);

  EXPECT_EQ(types(a), std::vector<std::string>{});
  EXPECT_EQ(types(b), std::vector<std::string>{});
  EXPECT_EQ(hub_.streams_json("ses_routed").size(), 1u);
}

TEST_F(RoutedHubTest, UnknownTransportIdsAreIgnored) {
  FakeLink a, b;
  enter(a, Role::kPublisher);
  enter(b, Role::kSubscriber);
  const auto stream = publish_routed(a);
  subscribe_routed(b, stream);

  router_closes("tr_nobody");
  router_closes("");

  EXPECT_EQ(types(a), std::vector<std::string>{});
  EXPECT_EQ(types(b), std::vector<std::string>{});
  EXPECT_EQ(hub_.streams_json("ses_routed").size(), 1u);
}

TEST(SignalingHubRouterHook, HubLeavesTheRouterWithoutAHandlerWhenItGoes) {
  AnsweringRouter router;
  {
    SignalingHub hub(
        HubConfig{kCreds}, [](const std::string&) { return std::nullopt; }, router);
    EXPECT_TRUE(router.transport_closed);
  }
  EXPECT_FALSE(router.transport_closed);
}

}  // namespace
}  // namespace umbra::server
