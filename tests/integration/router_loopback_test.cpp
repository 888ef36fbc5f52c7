// The router as the server will use it: Router (two workers, real UDP sockets on loopback) driven
// through the MediaRouter interface, with native peers (src/client) publishing and subscribing.
#include <gtest/gtest.h>

#include <unistd.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <filesystem>
#include <random>
#include <set>

#include "client/rtp_sender.h"
#include "client/udp_peer.h"
#include "crypto/certificate.h"
#include "io_run_until.h"
#include "router/router.h"

namespace umbra::router {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr std::uint32_t kSsrc = 0x1111;
constexpr std::uint32_t kRtxSsrc = 0x1112;

struct Peer : client::PeerTransport::Listener {
  crypto::Certificate cert = crypto::Certificate::generate("peer");
  client::UdpPeer udp;
  std::string transport_id;
  std::optional<client::RtpSender> sender;
  std::vector<Bytes> payloads;
  bool connected = false;

  Peer(asio::io_context& io, const std::string& ip)
      : udp(io, std::make_shared<const rtc::dtls::DtlsContext>(cert), ip) {
    udp.transport().set_listener(this);
  }
  void on_connected() override { connected = true; }
  void on_rtp(rtc::rtp::RtpPacket& p, client::TimePoint) override {
    payloads.emplace_back(p.payload().begin(), p.payload().end());
  }
  void on_rtcp(ByteSpan compound, client::TimePoint) override {
    if (!sender) return;
    for (Bytes& resend : sender->handle_rtcp(compound)) udp.transport().send_rtp(resend);
  }
};

std::uint32_t index_of(const Bytes& payload) {
  return std::uint32_t{payload[2]} | (std::uint32_t{payload[3]} << 8) | (std::uint32_t{payload[4]} << 16) |
         (std::uint32_t{payload[5]} << 24);
}

class RouterLoopback : public ::testing::Test {
 protected:
  asio::io_context io;
  // Keeps run_for() from returning (and stopping the context) while nothing is pending.
  asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
  crypto::Certificate router_cert = crypto::Certificate::generate("router");
  std::filesystem::path dump_dir =
      std::filesystem::temp_directory_path() / ("umbra-router-test-" + std::to_string(::getpid()));
  std::unique_ptr<Router> router;
  std::vector<std::unique_ptr<Peer>> peers;
  std::string producer_id;

  virtual std::string ip() const { return "127.0.0.1"; }

  void SetUp() override {
    std::filesystem::create_directories(dump_dir);
    RouterOptions options;
    options.listen_ip = ip();
    options.rtc_port = 0;
    options.workers = 2;
    options.rtp_dump_dir = dump_dir.string();
    router = std::make_unique<Router>(options, router_cert,
                                      [this](std::function<void()> fn) { asio::post(io, std::move(fn)); });
  }
  void TearDown() override {
    peers.clear();
    router.reset();
    std::filesystem::remove_all(dump_dir);
  }

  // Runs the test thread's io_context (router completions, peers) until pred holds; the bound
  // only keeps a broken build from hanging.
  template <class Pred>
  bool run_until(Pred pred, std::chrono::milliseconds bound = 10s) {
    return umbra::testing::run_until(io, pred, bound);
  }

  Peer& connect_peer() {
    auto peer = std::make_unique<Peer>(io, ip());
    Peer& p = *peer;
    peers.push_back(std::move(peer));
    std::optional<server::TransportInfo> info;
    router->create_transport({"room-1", "conn", false}, [&](auto outcome) { info = outcome.value; });
    EXPECT_TRUE(run_until([&] { return info.has_value(); }));
    p.transport_id = info->transport_id;
    bool done = false;
    router->connect_transport(p.transport_id, {"client", {{"sha-256", p.cert.fingerprint_text()}}},
                              [&](auto outcome) {
                                EXPECT_TRUE(outcome.value) << outcome.error.message;
                                done = true;
                              });
    EXPECT_TRUE(run_until([&] { return done; }));
    const auto& c = info->candidates.front();
    const auto address = asio::ip::make_address(c.ip);
    const auto remote = address.is_v4() ? rtc::stun::Address::ipv4(address.to_v4().to_bytes(), c.port)
                                        : rtc::stun::Address::ipv6(address.to_v6().to_bytes(), c.port);
    EXPECT_TRUE(
        p.udp.start({remote, {info->ice_ufrag, info->ice_pwd}, "sha-256", info->fingerprints.front().value}));
    EXPECT_TRUE(run_until([&] { return p.connected; }));
    return p;
  }

  Peer& publisher() {
    Peer& pub = connect_peer();
    pub.sender.emplace(client::RtpSenderParams{kSsrc, 96, kRtxSsrc, 97});
    server::ProduceOptions options;
    options.kind = "video";
    options.rtp.codecs = {{"video/VP8", 96, 90000, 0, "", 97}};
    options.rtp.encodings = {{kSsrc, kRtxSsrc, ""}};
    router->produce(pub.transport_id, options, [&](auto outcome) {
      ASSERT_TRUE(outcome.value) << outcome.error.message;
      producer_id = outcome.value->producer_id;
    });
    EXPECT_TRUE(run_until([&] { return !producer_id.empty(); }));
    return pub;
  }

  Peer& subscriber() {
    Peer& sub = connect_peer();
    bool done = false;
    router->consume(sub.transport_id, {producer_id, false}, [&](auto outcome) {
      EXPECT_TRUE(outcome.value) << outcome.error.message;
      done = true;
    });
    EXPECT_TRUE(run_until([&] { return done; }));
    return sub;
  }

  void send_vp8(Peer& pub, bool frame_start, bool key, std::uint32_t index) {
    Bytes payload = {static_cast<std::uint8_t>(frame_start ? 0x10 : 0x00),
                     static_cast<std::uint8_t>(key ? 0x50 : 0x51)};
    for (int i = 0; i < 4; ++i) payload.push_back(static_cast<std::uint8_t>(index >> (8 * i)));
    payload.resize(600, static_cast<std::uint8_t>(index));
    Bytes packet = pub.sender->packetize(payload, 3000 * (index / 10), true);
    ASSERT_TRUE(pub.udp.transport().send_rtp(packet));
  }

  // Sends `count` packets (a keyframe first) paced like a 2-3 Mbit/s video stream.
  void stream(Peer& pub, std::uint32_t count) {
    for (std::uint32_t i = 0; i < count; ++i) {
      send_vp8(pub, i % 10 == 0, i == 0, i);
      if (i % 5 == 4) io.run_for(1ms);
    }
  }
};

TEST_F(RouterLoopback, OnePublisherTwoSubscribersReceiveEveryPayloadByteExact) {
  Peer& pub = publisher();
  Peer& a = subscriber();
  Peer& b = subscriber();
  ASSERT_TRUE(run_until([&] { return pub.sender->keyframe_requests() > 0; }))
      << "subscribers asked for a keyframe";
  io.run_for(50ms);

  // Garbage on the media port from a stranger is dropped without disturbing the call.
  asio::ip::udp::socket stranger(io, asio::ip::udp::endpoint(asio::ip::address_v4::loopback(), 0));
  const std::uint8_t junk[] = {0x80, 0xc8, 0x00, 0x01, 0xde, 0xad};
  for (const auto port : router->ports()) {
    stranger.send_to(asio::buffer(junk), asio::ip::udp::endpoint(asio::ip::address_v4::loopback(), port));
  }

  constexpr std::uint32_t kCount = 300;
  stream(pub, kCount);
  ASSERT_TRUE(run_until([&] { return a.payloads.size() >= kCount && b.payloads.size() >= kCount; }))
      << a.payloads.size() << " / " << b.payloads.size();
  for (Peer* sub : {&a, &b}) {
    for (std::uint32_t i = 0; i < kCount; ++i) {
      Bytes expected = {static_cast<std::uint8_t>(i % 10 == 0 ? 0x10 : 0x00),
                        static_cast<std::uint8_t>(i == 0 ? 0x50 : 0x51)};
      for (int k = 0; k < 4; ++k) expected.push_back(static_cast<std::uint8_t>(i >> (8 * k)));
      expected.resize(600, static_cast<std::uint8_t>(i));
      ASSERT_EQ(sub->payloads[i], expected) << "packet " << i;
    }
  }
  const auto stats = router->stats();
  EXPECT_EQ(stats.transports, 3u);
  EXPECT_EQ(stats.consumers, 2u);
}

TEST_F(RouterLoopback, NackAndRtxRecoverFivePercentUpstreamLoss) {
  Peer& pub = publisher();
  Peer& a = subscriber();
  Peer& b = subscriber();
  ASSERT_TRUE(run_until([&] { return pub.sender->keyframe_requests() > 0; }));
  io.run_for(50ms);
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::uint64_t dropped = 0;
  pub.udp.set_send_filter([&](ByteSpan d) {
    const bool rtp = d.size() > 1 && d[0] >= 128 && d[0] < 192 && (d[1] < 192 || d[1] > 223);
    if (rtp && uniform(rng) < 0.05) {
      ++dropped;
      return false;
    }
    return true;
  });
  constexpr std::uint32_t kCount = 1000;
  stream(pub, kCount);
  auto unique = [](const Peer& p) {
    std::set<std::uint32_t> got;
    for (const Bytes& payload : p.payloads) got.insert(index_of(payload));
    return got.size();
  };
  run_until([&] { return unique(a) >= kCount && unique(b) >= kCount; }, 3s);
  EXPECT_GT(dropped, kCount / 40);
  EXPECT_GE(unique(a), kCount * 99 / 100);
  EXPECT_GE(unique(b), kCount * 99 / 100);
  EXPECT_GT(pub.sender->retransmitted(), 0u);
}

TEST_F(RouterLoopback, ANewSubscriberCausesAKeyframeRequestUpstream) {
  Peer& pub = publisher();
  (void)subscriber();
  ASSERT_TRUE(run_until([&] { return pub.sender->keyframe_requests() > 0; }));
  stream(pub, 20);
  io.run_for(700ms);  // past the keyframe request rate limit
  const auto before = pub.sender->keyframe_requests();
  (void)subscriber();
  EXPECT_TRUE(run_until([&] { return pub.sender->keyframe_requests() > before; }));
}

TEST_F(RouterLoopback, ReportsAClosedTransportAndStopsForwardingToIt) {
  std::vector<std::pair<std::string, std::string>> closed;
  router->set_on_transport_closed(
      [&](const std::string& id, const std::string& reason) { closed.emplace_back(id, reason); });
  Peer& pub = publisher();
  Peer& sub = subscriber();
  router->close_transport(sub.transport_id);
  ASSERT_TRUE(run_until([&] { return !closed.empty(); }));
  EXPECT_EQ(closed[0].first, sub.transport_id);
  ASSERT_TRUE(run_until([&] { return router->stats().consumers == 0; }));
  EXPECT_EQ(router->stats().producers, 1u) << "the publisher is unaffected";
  stream(pub, 10);
  io.run_for(50ms);
  EXPECT_TRUE(sub.payloads.empty());
}

TEST_F(RouterLoopback, IceRestartGivesNewCredentials) {
  Peer& pub = publisher();
  std::optional<server::TransportInfo> info;
  router->restart_ice(pub.transport_id, "newremoteufrag", [&](auto outcome) { info = outcome.value; });
  ASSERT_TRUE(run_until([&] { return info.has_value(); }));
  EXPECT_EQ(info->transport_id, pub.transport_id);
  EXPECT_GE(info->ice_ufrag.size(), 4u);
  EXPECT_GE(info->ice_pwd.size(), 22u);
  // Media on the existing pair keeps flowing through the restart.
  const auto before = router->stats().packets_in;
  stream(pub, 10);
  EXPECT_TRUE(run_until([&] { return router->stats().packets_in >= before + 10; }));
}

TEST_F(RouterLoopback, RtpDumpWritesAPcapPerTransport) {
  Peer& pub = publisher();
  (void)subscriber();
  stream(pub, 50);
  io.run_for(100ms);
  const auto path = dump_dir / (pub.transport_id + ".pcap");
  ASSERT_TRUE(std::filesystem::exists(path));
  router.reset();  // flushes and closes the files
  // Global header plus 50 records of 16 + 28 + 12 + 600 bytes.
  EXPECT_EQ(std::filesystem::file_size(path), 24u + 50u * (16u + 28u + 12u + 600u));
}

TEST(RouterFactory, ReportsAPortInUseAsAnError) {
  asio::io_context io;
  asio::ip::udp::socket taken(io, asio::ip::udp::endpoint(asio::ip::address_v4::loopback(), 0));
  RouterOptions options;
  options.rtc_port = taken.local_endpoint().port();
  const auto router = make_media_router(options, [](std::function<void()> fn) { fn(); });
  ASSERT_FALSE(router);
  EXPECT_NE(router.error().find(std::to_string(options.rtc_port)), std::string::npos) << router.error();
}

TEST(RouterFactory, StartsARouterThatSaysItIsAvailable) {
  RouterOptions options;
  options.rtc_port = 0;
  const auto router = make_media_router(options, [](std::function<void()> fn) { fn(); });
  ASSERT_TRUE(router) << router.error();
  EXPECT_TRUE((*router)->available());
}

class RouterLoopbackIpv6 : public RouterLoopback {
 protected:
  std::string ip() const override { return "::1"; }
};

TEST_F(RouterLoopbackIpv6, ForwardsBetweenIpv6Peers) {
  Peer& pub = publisher();
  Peer& sub = subscriber();
  ASSERT_TRUE(run_until([&] { return pub.sender->keyframe_requests() > 0; }));
  io.run_for(50ms);
  stream(pub, 50);
  EXPECT_TRUE(run_until([&] { return sub.payloads.size() >= 50; })) << sub.payloads.size();
}

}  // namespace
}  // namespace umbra::router
