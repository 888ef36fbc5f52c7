// Routed sessions against the real media router in-process: the WebSocket publish carries a real
// Chromium offer and gets the router's answer; a subscriber gets the router's offer and connects with its
// answer; leaving closes everything. (Media itself is covered by the browser tests.)
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>

#include "client/udp_peer.h"
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
  EXPECT_NE(metrics.body.find("\numbra_router_rooms 1\n"), std::string::npos) << "one session, one room";

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

// A native peer (src/client) on its own io_context thread, as a browser would be on its own machine.
class NativePeer {
 public:
  NativePeer() : peer_(io_, std::make_shared<const rtc::dtls::DtlsContext>(certificate_)) {}
  ~NativePeer() {
    io_.stop();
    if (thread_.joinable()) thread_.join();
  }
  NativePeer(const NativePeer&) = delete;
  NativePeer& operator=(const NativePeer&) = delete;

  const rtc::ice::Credentials& ice() { return peer_.transport().ice_credentials(); }
  // ICE towards the router's answer, then DTLS (we are the client), driven on the peer's thread.
  Result<void, std::string> start(const rtc::sdp::SessionDescription& answer) {
    const auto& media = answer.media.at(0);
    if (media.candidates.empty()) return err(std::string("the answer has no candidate"));
    // "foundation component transport priority ip port typ host"
    std::istringstream fields(media.candidates.front());
    std::string foundation, component, transport, priority, ip;
    unsigned port = 0;
    fields >> foundation >> component >> transport >> priority >> ip >> port;
    const auto fingerprint = answer.fingerprint_for(media);
    if (ip != "127.0.0.1" || port == 0 || !fingerprint)
      return err("unexpected answer: " + media.candidates.front());
    client::RemoteTransport remote;
    remote.address = rtc::stun::Address::ipv4({127, 0, 0, 1}, static_cast<std::uint16_t>(port));
    remote.ice = {answer.ice_ufrag_for(media), answer.ice_pwd_for(media)};
    remote.fingerprint_algorithm = fingerprint->algorithm;
    remote.fingerprint = fingerprint->value;
    auto started = peer_.start(remote);
    if (!started) return started;
    thread_ = std::thread([this] { io_.run(); });
    return {};
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_ =
      boost::asio::make_work_guard(io_);
  crypto::Certificate certificate_ = crypto::Certificate::generate("native-peer");
  client::UdpPeer peer_;
  std::thread thread_;
};

// The offer of a browser whose ICE credentials are the native peer's but whose DTLS fingerprint is
// not its certificate's (the Chromium fixture's): ICE succeeds, the router then refuses the DTLS
// handshake (RFC 8122 section 5) and closes the transport on its own.
std::string offer_with_ice(const rtc::ice::Credentials& ice) {
  std::istringstream in(rtc_fixture("chromium156_sendrecv_offer.sdp"));
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("a=ice-ufrag:")) line = "a=ice-ufrag:" + ice.ufrag + "\r";
    if (line.starts_with("a=ice-pwd:")) line = "a=ice-pwd:" + ice.pwd + "\r";
    out += line + "\n";
  }
  return out;
}

TEST_F(ServerRouted, StreamWhoseMediaPathTheRouterClosesIsDestroyedWithMediaFailed) {
  const std::string session_id = server_.create_session("routed");
  WsClient publisher(server_.port());
  ASSERT_EQ(publisher.join(client_token(session_id, Role::kPublisher))["type"], "joined");
  WsClient watcher(server_.port());
  ASSERT_EQ(watcher.join(client_token(session_id, Role::kSubscriber))["type"], "joined");

  NativePeer peer;
  const auto published = publisher.request(
      {{"type", "publish"}, {"stream", {{"name", "cam"}}}, {"sdp", offer_with_ice(peer.ice())}});
  ASSERT_EQ(published["type"], "response") << published.dump();
  const std::string stream_id = published["streamId"];
  ASSERT_TRUE(watcher.read_until("streamCreated").has_value());
  ASSERT_EQ(server_.call_json("GET", "/v1/sessions/" + session_id + "/streams")["streams"].size(), 1u);
  const auto answer = rtc::sdp::parse(published["sdp"].get<std::string>());
  ASSERT_TRUE(answer.ok());
  const auto started = peer.start(*answer);
  ASSERT_TRUE(started.ok()) << started.error();

  // No timing: the router's closure reaches everyone as an event (read() gives up only after 10 s).
  for (WsClient* client : {&watcher, &publisher}) {
    const auto destroyed = client->read_until("streamDestroyed");
    ASSERT_TRUE(destroyed.has_value());
    EXPECT_EQ((*destroyed)["streamId"], stream_id);
    EXPECT_EQ((*destroyed)["reason"], "mediaFailed");
  }
  EXPECT_TRUE(server_.call_json("GET", "/v1/sessions/" + session_id + "/streams")["streams"].empty());
  // Both stay connected.
  EXPECT_EQ(publisher.request({{"type", "ping"}})["type"], "pong");
  EXPECT_EQ(watcher.request({{"type", "ping"}})["type"], "pong");
}

}  // namespace
}  // namespace umbra::server::testing
