#include "router/webrtc_transport.h"

#include <gtest/gtest.h>

#include <random>

#include "client/peer_transport.h"
#include "crypto/certificate.h"
#include "memory_network.h"
#include "rtc/rtp/header.h"

namespace umbra::router {
namespace {

using namespace std::chrono_literals;
using testing::MemoryNetwork;

const TimePoint kT0 = TimePoint{} + 1000s;

std::shared_ptr<const rtc::dtls::DtlsContext> make_context(crypto::Certificate& cert) {
  return std::make_shared<const rtc::dtls::DtlsContext>(cert);
}

struct RouterSide : WebRtcTransport::Listener {
  std::vector<Bytes> rtp;
  int connected = 0;
  std::string closed;
  void on_connected(WebRtcTransport&) override { ++connected; }
  void on_closed(WebRtcTransport&, std::string_view reason) override { closed = reason; }
  void on_rtp(WebRtcTransport&, rtc::rtp::RtpPacket& p, TimePoint) override {
    rtp.emplace_back(p.bytes().begin(), p.bytes().end());
  }
  void on_rtcp(WebRtcTransport&, ByteSpan, TimePoint) override {}
};

struct PeerSide : client::PeerTransport::Listener {
  std::vector<Bytes> rtp;
  int connected = 0;
  void on_connected() override { ++connected; }
  void on_rtp(rtc::rtp::RtpPacket& p, TimePoint) override {
    rtp.emplace_back(p.bytes().begin(), p.bytes().end());
  }
};

struct Pair {
  crypto::Certificate server_cert = crypto::Certificate::generate("router");
  crypto::Certificate client_cert = crypto::Certificate::generate("peer");
  MemoryNetwork net;
  rtc::stun::Address server_addr = MemoryNetwork::address(1, 7881);
  rtc::stun::Address client_addr = MemoryNetwork::address(2, 50000);
  WebRtcTransport server{"t1", make_context(server_cert), net.sender(server_addr), kT0};
  client::PeerTransport peer{make_context(client_cert), net.sender(client_addr)};
  RouterSide server_events;
  PeerSide peer_events;
  TimePoint now = kT0;

  explicit Pair(Duration consent_timeout = rtc::ice::kConsentTimeout)
      : server{"t1", make_context(server_cert), net.sender(server_addr), kT0, consent_timeout} {
    server.set_listener(&server_events);
    peer.set_listener(&peer_events);
    net.attach(server_addr, [this](MutableByteSpan d, const rtc::stun::Address& from) {
      (void)server.handle_datagram(d, from, now);
    });
    net.attach(client_addr, [this](MutableByteSpan d, const rtc::stun::Address& from) {
      peer.handle_datagram(d, from, now);
    });
  }

  void connect() {
    ASSERT_TRUE(server.connect("sha-256", client_cert.fingerprint_text(), now));
    ASSERT_TRUE(
        peer.start({server_addr, server.ice_credentials(), "sha-256", server_cert.fingerprint_text()}, now));
    for (int i = 0; i < 100 && !(server.state() == WebRtcTransport::State::kConnected &&
                                 peer.state() == client::PeerTransport::State::kConnected);
         ++i) {
      net.run();
      now += 10ms;
      server.handle_timeout(now);
      peer.handle_timeout(now);
    }
  }
};

Bytes rtp_packet(std::uint16_t seq) {
  rtc::rtp::RtpHeader h;
  h.payload_type = 96;
  h.sequence_number = seq;
  h.timestamp = 1234;
  h.ssrc = 0xCAFE;
  return h.build(Bytes(200, static_cast<std::uint8_t>(seq))).value();
}

TEST(WebRtcTransport, ConnectsToTheNativePeerThroughIceDtlsAndSrtp) {
  Pair p;
  p.connect();
  EXPECT_EQ(p.server.state(), WebRtcTransport::State::kConnected);
  EXPECT_EQ(p.server_events.connected, 1);
  EXPECT_EQ(p.peer_events.connected, 1);
  EXPECT_EQ(p.server.remote_address(), p.client_addr);
}

TEST(WebRtcTransport, CarriesRtpBothWaysByteExact) {
  Pair p;
  p.connect();
  Bytes up = rtp_packet(1);
  const Bytes sent_up = up;
  ASSERT_TRUE(p.peer.send_rtp(up));
  EXPECT_NE(up, sent_up) << "encrypted on the wire";
  Bytes down = rtp_packet(2);
  const Bytes sent_down = down;
  ASSERT_TRUE(p.server.send_rtp(down));
  p.net.run();
  ASSERT_EQ(p.server_events.rtp.size(), 1u);
  EXPECT_EQ(p.server_events.rtp[0], sent_up);
  ASSERT_EQ(p.peer_events.rtp.size(), 1u);
  EXPECT_EQ(p.peer_events.rtp[0], sent_down);
}

TEST(WebRtcTransport, DropsAndCountsGarbageWithoutDisturbingTheCall) {
  Pair p;
  p.connect();
  Bytes garbage = {0xff, 0x00, 0x11};
  (void)p.server.handle_datagram(garbage, p.client_addr, p.now);
  Bytes fake_rtp = rtp_packet(9);  // plain RTP, not SRTP
  (void)p.server.handle_datagram(fake_rtp, p.client_addr, p.now);
  Bytes bad_stun = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12};
  (void)p.server.handle_datagram(bad_stun, p.client_addr, p.now);
  EXPECT_EQ(p.server.stats().dropped_malformed, 2u);
  EXPECT_EQ(p.server.stats().dropped_srtp, 1u);
  Bytes up = rtp_packet(1);
  ASSERT_TRUE(p.peer.send_rtp(up));
  p.net.run();
  EXPECT_EQ(p.server_events.rtp.size(), 1u);
}

TEST(WebRtcTransport, SurvivesThousandsOfMalformedDatagramsOfEveryKind) {
  Pair p;
  p.connect();
  std::mt19937 rng(99);
  // First bytes that steer the demux to each parser (RFC 7983): STUN, DTLS, RTP, RTCP, unknown.
  const std::uint8_t leads[] = {0x00, 0x01, 0x16, 0x17, 0x80, 0x90, 0xA0, 0xff, 0x40};
  for (int i = 0; i < 5000; ++i) {
    Bytes d(rng() % 120);
    for (auto& b : d) b = static_cast<std::uint8_t>(rng());
    if (!d.empty()) d[0] = leads[rng() % std::size(leads)];
    if (d.size() > 1 && rng() % 2 == 0) d[1] = static_cast<std::uint8_t>(200 + rng() % 7);  // RTCP types
    if (d.size() >= 8 && d[0] < 2) store_be32(d.data() + 4, rtc::stun::kMagicCookie);
    (void)p.server.handle_datagram(d, p.client_addr, p.now);
  }
  p.net.run();
  EXPECT_EQ(p.server.state(), WebRtcTransport::State::kConnected);
  // Garbage DTLS records are discarded inside OpenSSL and bad STUN is answered with errors, so
  // only part of them show up as drops here.
  EXPECT_GT(p.server.stats().dropped_malformed + p.server.stats().dropped_srtp, 2000u);
  Bytes up = rtp_packet(1);
  const Bytes sent = up;
  ASSERT_TRUE(p.peer.send_rtp(up));
  p.net.run();
  ASSERT_EQ(p.server_events.rtp.size(), 1u);
  EXPECT_EQ(p.server_events.rtp[0], sent);
}

TEST(WebRtcTransport, FailsTheHandshakeOnAFingerprintMismatch) {
  Pair p;
  crypto::Certificate other = crypto::Certificate::generate("someone-else");
  ASSERT_TRUE(p.server.connect("sha-256", other.fingerprint_text(), p.now));
  ASSERT_TRUE(p.peer.start(
      {p.server_addr, p.server.ice_credentials(), "sha-256", p.server_cert.fingerprint_text()}, p.now));
  for (int i = 0; i < 50; ++i) {
    p.net.run();
    p.now += 10ms;
    p.server.handle_timeout(p.now);
    p.peer.handle_timeout(p.now);
  }
  EXPECT_EQ(p.server.state(), WebRtcTransport::State::kClosed);
  EXPECT_NE(p.server_events.closed.find("dtls"), std::string::npos) << p.server_events.closed;
}

TEST(WebRtcTransport, ClosesWhenThePeerStopsChecking) {
  Pair p;
  p.connect();
  p.server.handle_timeout(p.now + 29s);
  EXPECT_EQ(p.server.state(), WebRtcTransport::State::kConnected);
  p.server.handle_timeout(p.now + 31s);
  EXPECT_EQ(p.server.state(), WebRtcTransport::State::kClosed);
  EXPECT_NE(p.server_events.closed.find("consent"), std::string::npos);
}

TEST(WebRtcTransport, AShorterConsentTimeoutKeepsAPeerThatChecksAndClosesOneThatStopped) {
  // 10 s is above the peer's consent check interval (RFC 7675 section 5.1: 4-6 s) and well below
  // the default 30 s, so the option is what decides here.
  Pair p(10s);
  p.connect();
  ASSERT_EQ(p.server.state(), WebRtcTransport::State::kConnected);
  TimePoint last_check = p.now;
  std::uint64_t seen = p.server.stats().datagrams_in;
  auto step = [&](bool peer_alive) {
    p.now += 100ms;
    if (peer_alive) p.peer.handle_timeout(p.now);
    p.net.run();
    if (p.server.stats().datagrams_in != seen) {
      seen = p.server.stats().datagrams_in;
      last_check = p.now;
    }
    p.server.handle_timeout(p.now);
  };
  for (int i = 0; i < 600; ++i) step(true);  // a minute of a live peer
  EXPECT_EQ(p.server.state(), WebRtcTransport::State::kConnected) << p.server_events.closed;

  // The peer vanishes: nothing more arrives from it.
  for (int i = 0; i < 200 && p.server.state() != WebRtcTransport::State::kClosed; ++i) step(false);
  ASSERT_EQ(p.server.state(), WebRtcTransport::State::kClosed);
  EXPECT_GE(p.now - last_check, 10s) << "not before the configured timeout";
  EXPECT_LT(p.now - last_check, 10s + 100ms) << "on the first tick after it";
  EXPECT_EQ(p.server_events.closed, "ice consent expired (no checks for 10 s)");
}

TEST(WebRtcTransport, SaysAFractionalConsentTimeoutInTheCloseReason) {
  Pair p(1500ms);
  p.connect();
  p.server.handle_timeout(p.now + 1000ms);
  EXPECT_EQ(p.server.state(), WebRtcTransport::State::kConnected);
  p.server.handle_timeout(p.now + 1600ms);
  EXPECT_EQ(p.server.state(), WebRtcTransport::State::kClosed);
  EXPECT_EQ(p.server_events.closed, "ice consent expired (no checks for 1.5 s)");
}

}  // namespace
}  // namespace umbra::router
