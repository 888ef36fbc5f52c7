// The router's transports over real UDP on loopback, with native peers (src/client): what happens
// to a transport when its peer goes away (ICE consent, RFC 7675) or restarts ICE (RFC 8445
// section 9), seen through the MediaRouter interface the server uses.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>

#include "client/rtp_sender.h"
#include "client/udp_peer.h"
#include "crypto/certificate.h"
#include "io_run_until.h"
#include "router/router.h"
#include "rtc/ice/credentials.h"

namespace umbra::router {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr std::uint32_t kSsrc = 0x2221;

struct Peer : client::PeerTransport::Listener {
  crypto::Certificate cert = crypto::Certificate::generate("peer");
  client::UdpPeer udp;
  std::string transport_id;
  server::TransportInfo info;
  std::optional<client::RtpSender> sender;
  std::size_t received = 0;
  bool connected = false;

  explicit Peer(asio::io_context& io) : udp(io, std::make_shared<const rtc::dtls::DtlsContext>(cert)) {
    udp.transport().set_listener(this);
  }
  void on_connected() override { connected = true; }
  void on_rtp(rtc::rtp::RtpPacket&, client::TimePoint) override { ++received; }
};

class RouterTransport : public ::testing::Test {
 protected:
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  crypto::Certificate router_cert = crypto::Certificate::generate("router");
  std::unique_ptr<Router> router;
  std::vector<std::unique_ptr<Peer>> peers;
  std::vector<std::pair<std::string, std::string>> closed;  // transport id, reason
  unsigned checks_sent_ = 0;

  void start_router(std::chrono::milliseconds consent_timeout) {
    RouterOptions options;
    options.rtc_port = 0;
    options.consent_timeout = consent_timeout;
    router = std::make_unique<Router>(options, router_cert,
                                      [this](std::function<void()> fn) { asio::post(io, std::move(fn)); });
    router->set_on_transport_closed(
        [this](const std::string& id, const std::string& reason) { closed.emplace_back(id, reason); });
  }
  void TearDown() override {
    peers.clear();
    router.reset();
  }

  // Runs the test thread's io_context (router completions, peers) until pred holds; the bound
  // only keeps a broken build from hanging.
  template <class Pred>
  bool run_until(Pred pred, std::chrono::milliseconds bound = 20s) {
    return umbra::testing::run_until(io, pred, bound);
  }

  static rtc::stun::Address router_address(const server::TransportInfo& info) {
    const auto& c = info.candidates.front();
    return rtc::stun::Address::ipv4(asio::ip::make_address_v4(c.ip).to_bytes(), c.port);
  }

  Peer& connect_peer() {
    auto owned = std::make_unique<Peer>(io);
    Peer& p = *owned;
    peers.push_back(std::move(owned));
    std::optional<server::TransportInfo> info;
    router->create_transport({"room-1", "conn", false}, [&](auto outcome) { info = outcome.value; });
    EXPECT_TRUE(run_until([&] { return info.has_value(); }));
    p.info = *info;
    p.transport_id = info->transport_id;
    bool done = false;
    router->connect_transport(p.transport_id, {"client", {{"sha-256", p.cert.fingerprint_text()}}},
                              [&](auto outcome) {
                                EXPECT_TRUE(outcome.value) << outcome.error.message;
                                done = true;
                              });
    EXPECT_TRUE(run_until([&] { return done; }));
    EXPECT_TRUE(p.udp.start({router_address(*info),
                             {info->ice_ufrag, info->ice_pwd},
                             "sha-256",
                             info->fingerprints.front().value}));
    EXPECT_TRUE(run_until([&] { return p.connected; }));
    return p;
  }

  // A connectivity check from a socket of the test's own (not the peer's) with these credentials:
  // the router's answer, an error code (0 for a success response), or nullopt when none came.
  std::optional<int> stranger_check(const std::string& username, const std::string& pwd,
                                    std::uint16_t router_port) {
    asio::ip::udp::socket socket(io, asio::ip::udp::endpoint(asio::ip::address_v4::loopback(), 0));
    rtc::stun::TransactionId id{};
    id[0] = static_cast<std::uint8_t>(++checks_sent_);
    rtc::stun::StunMessage check(rtc::stun::MessageClass::kRequest, rtc::stun::kMethodBinding, id);
    check.add_username(username);
    check.add_ice_controlling(1);  // no USE-CANDIDATE: it must not take the media path
    check.add_message_integrity(as_bytes(pwd));
    check.add_fingerprint();
    socket.send_to(asio::buffer(check.bytes().data(), check.bytes().size()),
                   asio::ip::udp::endpoint(asio::ip::address_v4::loopback(), router_port));
    std::array<std::uint8_t, 1500> buffer{};
    asio::ip::udp::endpoint from;
    std::optional<int> answer;
    bool done = false;
    socket.async_receive_from(asio::buffer(buffer), from, [&](boost::system::error_code ec, std::size_t n) {
      done = true;
      if (ec) return;
      const auto response = rtc::stun::StunMessage::parse(ByteSpan(buffer.data(), n));
      if (!response) return;
      if (response->message_class() == rtc::stun::MessageClass::kSuccessResponse) answer = 0;
      if (const auto code = response->error_code()) answer = code->code;
    });
    if (!run_until([&] { return done; }, 5s)) {
      socket.cancel();
      run_until([&] { return done; });
    }
    return answer;
  }

  std::string produce(Peer& pub) {
    pub.sender.emplace(client::RtpSenderParams{kSsrc, 96, std::nullopt, 97});
    server::ProduceOptions options;
    options.kind = "video";
    options.rtp.codecs = {{"video/VP8", 96, 90000, 0, "", std::nullopt}};
    options.rtp.encodings = {{kSsrc, std::nullopt, ""}};
    std::string producer_id;
    router->produce(pub.transport_id, options, [&](auto outcome) {
      ASSERT_TRUE(outcome.value) << outcome.error.message;
      producer_id = outcome.value->producer_id;
    });
    EXPECT_TRUE(run_until([&] { return !producer_id.empty(); }));
    return producer_id;
  }
};

TEST_F(RouterTransport, ClosesAndReportsATransportWhosePeerVanishedAfterTheConsentTimeout) {
  // 1 s is below the native peer's 4-6 s consent check interval, so nothing here may depend on the
  // peer's checks after it connected (the fake-clock unit test shows a checking peer is kept).
  start_router(1s);
  Peer& peer = connect_peer();
  ASSERT_EQ(router->bookkeeping().transports, 1u);

  // The peer disappears without a word (no DTLS close_notify): its checks simply stop.
  peer.udp.stop();
  ASSERT_TRUE(run_until([&] { return !closed.empty(); })) << "the transport-closed hook fired";
  EXPECT_EQ(closed[0].first, peer.transport_id);
  EXPECT_EQ(closed[0].second, "ice consent expired (no checks for 1 s)");
  EXPECT_EQ(closed.size(), 1u);
  EXPECT_EQ(router->bookkeeping().transports, 0u) << "the router forgot it";
}

TEST_F(RouterTransport, IceRestartMovesThePeerToNewCredentialsWhileMediaKeepsFlowing) {
  start_router(30s);
  Peer& pub = connect_peer();
  const std::string producer_id = produce(pub);
  Peer& sub = connect_peer();
  bool consumed = false;
  router->consume(sub.transport_id, {producer_id, false}, [&](auto outcome) {
    EXPECT_TRUE(outcome.value) << outcome.error.message;
    consumed = true;
  });
  ASSERT_TRUE(run_until([&] { return consumed; }));
  auto stream = [&](int count) {
    for (int i = 0; i < count; ++i) {
      Bytes payload(400, static_cast<std::uint8_t>(i));
      payload[0] = 0x10;
      payload[1] = 0x50;  // every packet a keyframe: no waiting for one
      Bytes packet = pub.sender->packetize(payload, 3000 * static_cast<std::uint32_t>(i), true);
      ASSERT_TRUE(pub.udp.transport().send_rtp(packet));
      io.run_for(1ms);
    }
  };
  stream(20);
  ASSERT_TRUE(run_until([&] { return sub.received >= 20; })) << sub.received;

  // The subscriber restarts ICE (RFC 8445 section 9): its offer carries a new ufrag, the router's
  // answer new credentials for the same candidate.
  const std::string old_username = sub.info.ice_ufrag + ":" + sub.udp.transport().ice_credentials().ufrag;
  const std::string old_pwd = sub.info.ice_pwd;
  const std::uint16_t port = sub.info.candidates.front().port;
  const rtc::ice::Credentials peer_new = rtc::ice::generate_credentials();
  std::optional<server::TransportInfo> answer;
  server::MediaRouter& media_router = *router;  // as the control plane would call it
  media_router.restart_ice(sub.transport_id, peer_new.ufrag, [&](auto outcome) {
    EXPECT_TRUE(outcome.value) << outcome.error.message;
    answer = outcome.value.value_or(server::TransportInfo{});
  });
  ASSERT_TRUE(run_until([&] { return answer.has_value(); }));
  EXPECT_EQ(answer->transport_id, sub.transport_id);
  EXPECT_NE(answer->ice_ufrag, sub.info.ice_ufrag);
  EXPECT_NE(answer->ice_pwd, sub.info.ice_pwd);
  ASSERT_EQ(answer->candidates.size(), 1u);
  EXPECT_EQ(answer->candidates.front().port, port);
  EXPECT_EQ(stranger_check(old_username, old_pwd, port), 0)
      << "the old credentials work until the peer switches";

  sub.udp.transport().restart_ice(peer_new, {answer->ice_ufrag, answer->ice_pwd},
                                  std::chrono::steady_clock::now());
  // The peer's first check with the new credentials completes the restart; from then on a check
  // with the old ones is refused (401 Unauthenticated).
  EXPECT_TRUE(run_until([&] { return stranger_check(old_username, old_pwd, port) == 401; }));
  EXPECT_EQ(stranger_check(answer->ice_ufrag + ":" + peer_new.ufrag, "not-the-password-at-all", port), 401);

  // Media keeps flowing over the restarted transport, to the same peer.
  const std::size_t before = sub.received;
  stream(20);
  EXPECT_TRUE(run_until([&] { return sub.received >= before + 20; })) << sub.received - before;
  EXPECT_TRUE(closed.empty()) << closed.front().second;
  EXPECT_EQ(sub.udp.transport().state(), client::PeerTransport::State::kConnected);
}

}  // namespace
}  // namespace umbra::router
