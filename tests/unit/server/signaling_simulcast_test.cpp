// updateSubscription's preferredLayer against a fake router: a stream published with simulcast (the
// real Chromium rid offer) gets its subscriber's layer passed to the router's video consumer; a plain
// stream, an unknown layer name and a relayed session are refused with their codes.
#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "server/client_token.h"
#include "server/signaling_hub.h"

namespace umbra::server {
namespace {

using nlohmann::json;

const ApiCredentials kCreds{"devkey", "devsecret"};
constexpr std::int64_t kT0 = 1'800'000'000'000;  // ms

class Link : public ClientLink {
 public:
  void send(std::string text) override { inbox.push_back(json::parse(text)); }
  void close(std::uint16_t, std::string_view) override {}
  // Pops messages up to and including the first of `type`.
  json next(std::string_view type) {
    while (!inbox.empty()) {
      json m = inbox.front();
      inbox.pop_front();
      if (m["type"] == type || m["type"] == "error") return m;
    }
    ADD_FAILURE() << "no message of type " << type;
    return json::object();
  }
  std::deque<json> inbox;
};

// Answers every call on run(), like the control-plane loop delivering the router's completions, and
// records the preferred layers it is given.
class Router final : public MediaRouter {
 public:
  bool available() const override { return true; }
  void create_transport(const TransportOptions&, RouterCallback<TransportInfo> done) override {
    TransportInfo info;
    info.transport_id = "tr_" + std::to_string(++next_id_);
    info.ice_ufrag = "ufragR";
    info.ice_pwd = "passwordpasswordpassword";
    info.candidates = {{"1", "127.0.0.1", 7881, "udp", 2130706431, "host"}};
    info.fingerprints = {{"sha-256", std::string(95, 'A')}};
    later([done = std::move(done), info] { done({info, {}}); });
  }
  void connect_transport(const std::string&, const DtlsParameters&,
                         RouterCallback<RouterDone> done) override {
    later([done = std::move(done)] { done({RouterDone{}, {}}); });
  }
  void produce(const std::string&, const ProduceOptions& options,
               RouterCallback<ProducerInfo> done) override {
    const std::string id = "pro_" + std::to_string(++next_id_);
    producers[id] = options;
    later([done = std::move(done), id] { done({ProducerInfo{id}, {}}); });
  }
  void consume(const std::string&, const ConsumeOptions& options,
               RouterCallback<ConsumerInfo> done) override {
    const auto& produced = producers.at(options.producer_id);
    ConsumerInfo info{produced.kind + "_con_" + std::to_string(++next_id_), produced.kind, produced.rtp};
    info.rtp.encodings = {{1000u + static_cast<std::uint32_t>(next_id_), std::nullopt, ""}};
    later([done = std::move(done), info] { done({info, {}}); });
  }
  void set_consumer_paused(const std::string&, bool) override {}
  void set_consumer_preferred_layer(const std::string& consumer_id, std::size_t layer) override {
    preferred.emplace_back(consumer_id, layer);
  }
  void close_transport(const std::string&) override {}
  RouterStats stats() const override { return {}; }
  void start_recording(const RecordingOptions&, RouterCallback<RecordingReport>) override {}
  void stop_recording(const std::string&, const std::string&, RouterCallback<RecordingReport>) override {}
  void set_on_recording_update(std::function<void(const RecordingReport&)>) override {}
  void set_on_transport_closed(std::function<void(const std::string&, const std::string&)>) override {}

  void run() {
    while (!queue_.empty()) {
      auto fn = std::move(queue_.front());
      queue_.pop_front();
      fn();
    }
  }

  std::map<std::string, ProduceOptions> producers;
  std::vector<std::pair<std::string, std::size_t>> preferred;

 private:
  void later(std::function<void()> fn) { queue_.push_back(std::move(fn)); }
  int next_id_ = 0;
  std::deque<std::function<void()>> queue_;
};

std::string offer(const char* file) {
  const auto path = std::filesystem::path(__FILE__).parent_path() / ".." / "rtc" / "sdp" / file;
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class SimulcastHubTest : public ::testing::Test {
 protected:
  SimulcastHubTest()
      : hub_(
            HubConfig{kCreds},
            [this](const std::string& id) -> std::optional<SessionRecord> {
              const auto it = sessions_.find(id);
              if (it == sessions_.end()) return std::nullopt;
              return it->second;
            },
            router_) {
    sessions_["ses_routed"] = SessionRecord{};
    sessions_["ses_routed"].id = "ses_routed";
    sessions_["ses_routed"].media_mode = MediaMode::kRouted;
    sessions_["ses_relayed"] = SessionRecord{};
    sessions_["ses_relayed"].id = "ses_relayed";
    sessions_["ses_relayed"].media_mode = MediaMode::kRelayed;
  }

  void send(Link& link, const json& message) { hub_.on_message(link, message.dump(), kT0); }

  void join(Link& link, const std::string& session) {
    hub_.on_open(link, kT0);
    const auto token = mint_client_token(kCreds, {session, Role::kPublisher, 3600, ""}, kT0 / 1000)->token;
    send(link, {{"type", "join"}, {"requestId", 1}, {"token", token}});
    link.next("joined");
  }

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

  std::map<std::string, SessionRecord> sessions_;
  Router router_;
  SignalingHub hub_;
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
