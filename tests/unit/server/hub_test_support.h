// Test doubles for the signaling hub's tests: a client link that keeps what the hub sends it, a
// MediaRouter that answers every call later (on run(), as the control-plane loop delivers the router's
// completions) and records what it was asked, and a hub fixture over that router with one routed and
// one relayed session.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/client_token.h"
#include "server/media_router.h"
#include "server/signaling_hub.h"

namespace umbra::server::testing {

inline const ApiCredentials kCreds{"devkey", "devsecret"};
inline constexpr std::int64_t kT0 = 1'800'000'000'000;  // ms

class FakeLink : public ClientLink {
 public:
  // kTypeOrError: next() also stops at an error, so a refused request hands back its error in place of
  // the response the test waited for.
  enum class Next { kType, kTypeOrError };
  explicit FakeLink(Next until = Next::kType) : until_(until) {}

  void send(std::string text) override { inbox.push_back(nlohmann::json::parse(text)); }
  void close(std::uint16_t code, std::string_view) override { closed_with = code; }

  // Pops messages up to and including the first of `type`; fails the test if none.
  nlohmann::json next(std::string_view type) {
    while (!inbox.empty()) {
      nlohmann::json m = inbox.front();
      inbox.pop_front();
      if (m["type"] == type || (until_ == Next::kTypeOrError && m["type"] == "error")) return m;
    }
    ADD_FAILURE() << "no message of type " << type;
    return nlohmann::json::object();
  }
  bool has(std::string_view type) const {
    for (const auto& m : inbox) {
      if (m["type"] == type) return true;
    }
    return false;
  }

  std::deque<nlohmann::json> inbox;
  int closed_with = 0;

 private:
  Next until_;
};

// The link of the request/response tests: next("response") hands back an error in its place.
class RequestLink : public FakeLink {
 public:
  RequestLink() : FakeLink(Next::kTypeOrError) {}
};

// Answers like the real router does, later: run() delivers the completions. Records the connects, the
// ICE restarts, the preferred layers, the closed transports and which connection owns each transport,
// and lets the test report a transport closed on the router's side (consent expiry, DTLS).
class AnsweringRouter final : public MediaRouter {
 public:
  static inline const std::string kFingerprint =
      "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

  bool available() const override { return true; }
  void create_transport(const TransportOptions& options, RouterCallback<TransportInfo> done) override {
    TransportInfo info;
    info.transport_id = "tr_" + std::to_string(++next_id_);
    info.ice_ufrag = "ufragR";
    info.ice_pwd = "passwordpasswordpassword";
    info.candidates = {{"1", "127.0.0.1", 7881, "udp", 2130706431, "host"}};
    info.fingerprints = {{"sha-256", kFingerprint}};
    owners[info.transport_id] = options.connection_id;
    later([done = std::move(done), info] { done({info, {}}); });
  }
  void connect_transport(const std::string&, const DtlsParameters&,
                         RouterCallback<RouterDone> done) override {
    ++connects;
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
  void close_transport(const std::string& transport_id) override { closed.push_back(transport_id); }
  void restart_ice(const std::string& transport_id, const std::string& remote_ufrag,
                   RouterCallback<TransportInfo> done) override {
    if (!supports_restart) return MediaRouter::restart_ice(transport_id, remote_ufrag, std::move(done));
    restarts.emplace_back(transport_id, remote_ufrag);
    TransportInfo info;
    info.transport_id = transport_id;
    info.ice_ufrag = "ufragR" + std::to_string(restarts.size());
    info.ice_pwd = "newpasswordnewpassword" + std::to_string(restarts.size());
    info.candidates = {{"1", "127.0.0.1", 7881, "udp", 2130706431, "host"}};
    info.fingerprints = {{"sha-256", kFingerprint}};
    later([done = std::move(done), info] { done({info, {}}); });
  }
  void set_on_transport_closed(std::function<void(const std::string&, const std::string&)> fn) override {
    transport_closed = std::move(fn);
  }
  RouterStats stats() const override { return {}; }
  void start_recording(const RecordingOptions&, RouterCallback<RecordingReport>) override {}
  void stop_recording(const std::string&, const std::string&, RouterCallback<RecordingReport>) override {}
  void set_on_recording_update(std::function<void(const RecordingReport&)>) override {}

  void run() {
    while (!queue_.empty()) {
      auto fn = std::move(queue_.front());
      queue_.pop_front();
      fn();
    }
  }
  // The transports a connection owns, oldest first.
  std::vector<std::string> transports_of(const std::string& connection_id) const {
    std::vector<std::string> out;
    for (const auto& [id, owner] : owners) {
      if (owner == connection_id) out.push_back(id);
    }
    // By number, not by string: "tr_10" is newer than "tr_9".
    std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
      return std::stoi(a.substr(3)) < std::stoi(b.substr(3));
    });
    return out;
  }

  bool supports_restart = true;
  int connects = 0;
  std::map<std::string, std::string> owners;  // transport id → connection id
  std::map<std::string, ProduceOptions> producers;
  std::vector<std::pair<std::string, std::size_t>> preferred;  // (consumer id, layer)
  std::vector<std::pair<std::string, std::string>> restarts;   // (transport id, remote ufrag)
  std::vector<std::string> closed;                             // close_transport() calls
  std::function<void(const std::string&, const std::string&)> transport_closed;

 private:
  void later(std::function<void()> fn) { queue_.push_back(std::move(fn)); }
  int next_id_ = 0;
  std::deque<std::function<void()>> queue_;
};

// One of the rtc/sdp tests' real browser SDPs (e.g. "chromium156_sendrecv_offer.sdp").
inline std::string sdp_fixture(const char* file) {
  const auto path = std::filesystem::path(__FILE__).parent_path() / ".." / "rtc" / "sdp" / file;
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A hub over an AnsweringRouter with a routed session "ses_routed" and a relayed one "ses_relayed",
// at a clock that stays at kT0.
class RoutedHubFixture : public ::testing::Test {
 protected:
  RoutedHubFixture()
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

  void send(FakeLink& link, const nlohmann::json& message) { hub_.on_message(link, message.dump(), kT0); }

  // Opens the link and joins `session` as a publisher.
  void join(FakeLink& link, const std::string& session) {
    hub_.on_open(link, kT0);
    const auto token = mint_client_token(kCreds, {session, Role::kPublisher, 3600, ""}, kT0 / 1000)->token;
    send(link, {{"type", "join"}, {"requestId", 1}, {"token", token}});
    link.next("joined");
  }

  std::map<std::string, SessionRecord> sessions_;
  AnsweringRouter router_;
  SignalingHub hub_;
};

}  // namespace umbra::server::testing
