#include "rtc/dtls/dtls_transport.h"

#include <gtest/gtest.h>

#include <functional>
#include <thread>

#include "crypto/certificate.h"
#include "rtc/srtp/srtp_session.h"

namespace umbra::rtc::dtls {
namespace {

using namespace std::chrono_literals;

struct Endpoint {
  crypto::Certificate certificate = crypto::Certificate::generate();
  std::shared_ptr<const DtlsContext> context = std::make_shared<DtlsContext>(certificate);
};

// Moves datagrams between two transports until neither has anything to send. `drop` sees each datagram
// with the index of its sender (0 = client) and may discard it, to simulate loss.
class Link {
 public:
  Link(DtlsTransport& client, DtlsTransport& server) : peers_{&client, &server} {}

  std::function<bool(int from, const Bytes& datagram)> drop;
  TimePoint now{std::chrono::seconds(1000)};
  int delivered = 0;

  void shuttle() {
    for (bool moved = true; moved;) {
      moved = false;
      for (int from = 0; from < 2; ++from) {
        while (auto d = peers_[from]->poll_datagram()) {
          moved = true;
          if (drop && drop(from, *d)) continue;
          ++delivered;
          peers_[1 - from]->handle_datagram(*d, now);
        }
      }
    }
  }

 private:
  DtlsTransport* peers_[2];
};

std::vector<DtlsEvent> drain(DtlsTransport& t) {
  std::vector<DtlsEvent> events;
  while (auto e = t.poll_event()) events.push_back(std::move(*e));
  return events;
}

class DtlsTransportTest : public ::testing::Test {
 protected:
  Endpoint client_end_;
  Endpoint server_end_;
  DtlsTransport client_{client_end_.context, {.role = Role::kClient}};
  DtlsTransport server_{server_end_.context, {.role = Role::kServer}};

  void exchange_fingerprints() {
    client_.set_remote_fingerprint(crypto::Hash::kSha256, server_end_.certificate.fingerprint());
    server_.set_remote_fingerprint(crypto::Hash::kSha256, client_end_.certificate.fingerprint());
  }
};

TEST_F(DtlsTransportTest, HandshakeDerivesMirroredSrtpKeysPreferringGcm) {
  exchange_fingerprints();
  Link link(client_, server_);
  server_.start(link.now);
  client_.start(link.now);
  link.shuttle();

  ASSERT_EQ(client_.state(), State::kConnected);
  ASSERT_EQ(server_.state(), State::kConnected);
  auto client_events = drain(client_);
  auto server_events = drain(server_);
  ASSERT_EQ(client_events.size(), 1u);
  ASSERT_EQ(server_events.size(), 1u);
  const auto& c = std::get<Connected>(client_events[0]);
  const auto& s = std::get<Connected>(server_events[0]);
  EXPECT_EQ(c.profile, srtp::Profile::kAeadAes128Gcm);
  EXPECT_EQ(s.profile, srtp::Profile::kAeadAes128Gcm);
  EXPECT_EQ(c.local_key.size(), srtp::master_key_and_salt_size(c.profile));
  EXPECT_EQ(c.local_key, s.remote_key);
  EXPECT_EQ(c.remote_key, s.local_key);
  EXPECT_NE(c.local_key, c.remote_key);
  // Every datagram respects the MTU.
  EXPECT_GT(link.delivered, 0);
}

TEST_F(DtlsTransportTest, ExportedKeysProtectMediaBetweenThePeers) {
  exchange_fingerprints();
  Link link(client_, server_);
  client_.start(link.now);
  link.shuttle();
  const auto c = std::get<Connected>(*client_.poll_event());
  const auto s = std::get<Connected>(*server_.poll_event());

  srtp::SrtpSession client_tx(c.profile, srtp::Direction::kOutbound, c.local_key);
  srtp::SrtpSession server_rx(s.profile, srtp::Direction::kInbound, s.remote_key);
  Bytes packet{0x80, 111, 0, 1, 0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef, 'o', 'p', 'u', 's'};
  const Bytes plain = packet;
  packet.resize(plain.size() + srtp::rtp_overhead(c.profile));
  auto n = client_tx.protect_rtp(packet, plain.size());
  ASSERT_TRUE(n.ok());
  packet.resize(*n);
  auto m = server_rx.unprotect_rtp(packet);
  ASSERT_TRUE(m.ok()) << srtp::to_string(m.error());
  packet.resize(*m);
  EXPECT_EQ(packet, plain);
}

TEST_F(DtlsTransportTest, DatagramsNeverExceedTheMtu) {
  exchange_fingerprints();
  Link link(client_, server_);
  std::size_t largest = 0;
  link.drop = [&](int, const Bytes& d) {
    largest = std::max(largest, d.size());
    return false;
  };
  client_.start(link.now);
  link.shuttle();
  ASSERT_EQ(client_.state(), State::kConnected);
  EXPECT_LE(largest, 1200u);
}

TEST(DtlsTransport, SmallMtuFragmentsTheFlightsAndStillConnects) {
  Endpoint client_end;
  Endpoint server_end;
  DtlsTransport client(client_end.context, {.role = Role::kClient, .mtu = 400});
  DtlsTransport server(server_end.context, {.role = Role::kServer, .mtu = 400});
  client.set_remote_fingerprint(crypto::Hash::kSha256, server_end.certificate.fingerprint());
  server.set_remote_fingerprint(crypto::Hash::kSha256, client_end.certificate.fingerprint());
  Link link(client, server);
  std::size_t largest = 0;
  link.drop = [&](int, const Bytes& d) {
    largest = std::max(largest, d.size());
    return false;
  };
  client.start(link.now);
  link.shuttle();
  EXPECT_EQ(client.state(), State::kConnected);
  EXPECT_EQ(server.state(), State::kConnected);
  EXPECT_LE(largest, 400u);
}

TEST_F(DtlsTransportTest, WrongFingerprintFailsTheHandshakeOnBothSides) {
  client_.set_remote_fingerprint(crypto::Hash::kSha256, server_end_.certificate.fingerprint());
  Endpoint stranger;
  server_.set_remote_fingerprint(crypto::Hash::kSha256, stranger.certificate.fingerprint());
  Link link(client_, server_);
  client_.start(link.now);
  link.shuttle();

  ASSERT_EQ(server_.state(), State::kFailed);
  auto events = drain(server_);
  ASSERT_EQ(events.size(), 1u);
  const auto& failed = std::get<Failed>(events[0]);
  EXPECT_NE(failed.reason.find("fingerprint"), std::string::npos) << failed.reason;
  // The server's bad_certificate alert reaches the client, which fails too instead of hanging.
  EXPECT_EQ(client_.state(), State::kFailed);
  const auto client_failed = std::get<Failed>(*client_.poll_event());
  EXPECT_NE(client_failed.reason.find("bad certificate"), std::string::npos) << client_failed.reason;
}

TEST_F(DtlsTransportTest, ClientRejectsAServerWithTheWrongCertificate) {
  Endpoint stranger;
  client_.set_remote_fingerprint(crypto::Hash::kSha256, stranger.certificate.fingerprint());
  server_.set_remote_fingerprint(crypto::Hash::kSha256, client_end_.certificate.fingerprint());
  Link link(client_, server_);
  client_.start(link.now);
  link.shuttle();
  EXPECT_EQ(client_.state(), State::kFailed);
  EXPECT_NE(server_.state(), State::kConnected);
}

TEST_F(DtlsTransportTest, MissingRemoteFingerprintFails) {
  client_.set_remote_fingerprint(crypto::Hash::kSha256, server_end_.certificate.fingerprint());
  Link link(client_, server_);
  client_.start(link.now);
  link.shuttle();
  ASSERT_EQ(server_.state(), State::kFailed);
  EXPECT_NE(std::get<Failed>(*server_.poll_event()).reason.find("no remote fingerprint"), std::string::npos);
}

// Drives time forward until the retransmission timer fires. OpenSSL 3.0 checks its DTLS timer against
// its own wall clock, so this waits (bounded) for that clock as well as advancing the test clock.
void fire_timer(DtlsTransport& t, Link& link) {
  for (int i = 0; i < 200 && !t.has_datagram() && t.state() == State::kConnecting; ++i) {
    ASSERT_TRUE(t.poll_timeout().has_value());
    link.now = std::max(link.now, *t.poll_timeout());
    t.handle_timeout(link.now);
    if (t.has_datagram()) return;
    std::this_thread::sleep_for(5ms);
  }
}

TEST(DtlsTransport, LostFirstFlightIsRetransmittedOnTimeout) {
  Endpoint client_end;
  Endpoint server_end;
  // A short first timeout keeps the wall-clock wait small; the schedule itself is what is under test.
  DtlsTransport client(client_end.context, {.role = Role::kClient, .initial_retransmit = 20ms});
  DtlsTransport server(server_end.context, {.role = Role::kServer});
  client.set_remote_fingerprint(crypto::Hash::kSha256, server_end.certificate.fingerprint());
  server.set_remote_fingerprint(crypto::Hash::kSha256, client_end.certificate.fingerprint());

  Link link(client, server);
  client.start(link.now);
  const auto first_timeout = client.poll_timeout();
  ASSERT_TRUE(first_timeout.has_value());
  EXPECT_GT(*first_timeout, link.now);
  EXPECT_LE(*first_timeout, link.now + 20ms);
  // The ClientHello is lost.
  int dropped = 0;
  while (client.poll_datagram()) ++dropped;
  ASSERT_GT(dropped, 0);

  fire_timer(client, link);
  ASSERT_TRUE(client.has_datagram()) << "no retransmission";
  link.shuttle();
  EXPECT_EQ(client.state(), State::kConnected);
  EXPECT_EQ(server.state(), State::kConnected);
}

TEST(DtlsTransport, LostFinalServerFlightIsRecoveredByTheClientsRetransmission) {
  Endpoint client_end;
  Endpoint server_end;
  DtlsTransport client(client_end.context, {.role = Role::kClient, .initial_retransmit = 20ms});
  DtlsTransport server(server_end.context, {.role = Role::kServer});
  client.set_remote_fingerprint(crypto::Hash::kSha256, server_end.certificate.fingerprint());
  server.set_remote_fingerprint(crypto::Hash::kSha256, client_end.certificate.fingerprint());

  Link link(client, server);
  // Drop whatever the server sends once it is connected: its ChangeCipherSpec and Finished.
  link.drop = [&](int from, const Bytes&) { return from == 1 && server.state() == State::kConnected; };
  client.start(link.now);
  link.shuttle();
  ASSERT_EQ(server.state(), State::kConnected);
  ASSERT_EQ(client.state(), State::kConnecting);

  link.drop = nullptr;
  fire_timer(client, link);
  ASSERT_TRUE(client.has_datagram()) << "no retransmission";
  link.shuttle();
  EXPECT_EQ(client.state(), State::kConnected);
  const auto c = std::get<Connected>(*client.poll_event());
  const auto s = std::get<Connected>(*server.poll_event());
  EXPECT_EQ(c.local_key, s.remote_key);
}

TEST(DtlsTransport, ClientGivesUpWithAReasonWhenNobodyAnswers) {
  Endpoint client_end;
  DtlsTransport client(client_end.context,
                       {.role = Role::kClient, .initial_retransmit = 20ms, .max_retransmit = 20ms});
  DtlsTransport nobody(client_end.context, {.role = Role::kServer});
  Link link(client, nobody);
  client.start(link.now);
  int retransmissions = 0;
  for (int i = 0; i < 40 && client.state() == State::kConnecting; ++i) {
    while (client.poll_datagram()) {
    }
    fire_timer(client, link);
    if (client.has_datagram()) ++retransmissions;
  }
  ASSERT_EQ(client.state(), State::kFailed);
  EXPECT_GE(retransmissions, 5);
  const auto e = client.poll_event();
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(std::get<Failed>(*e).reason.find("timed out"), std::string::npos) << std::get<Failed>(*e).reason;
  EXPECT_FALSE(client.poll_timeout().has_value());
}

TEST(DtlsTransport, NothingHappensBeforeTheDeadline) {
  Endpoint client_end;
  DtlsTransport client(client_end.context, {.role = Role::kClient});
  const TimePoint t0{std::chrono::seconds(5)};
  client.start(t0);
  while (client.poll_datagram()) {
  }
  ASSERT_TRUE(client.poll_timeout());
  client.handle_timeout(*client.poll_timeout() - 1ms);
  EXPECT_FALSE(client.poll_datagram());
  EXPECT_EQ(client.state(), State::kConnecting);
}

TEST_F(DtlsTransportTest, RandomGarbageIsIgnoredAndTheHandshakeStillCompletes) {
  exchange_fingerprints();
  Link link(client_, server_);
  Bytes noise(300);
  for (std::size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<std::uint8_t>(i * 131 + 7);
  noise[0] = 22;  // looks like a handshake record to the demultiplexer
  server_.handle_datagram(noise, link.now);
  if (auto e = server_.poll_event()) ADD_FAILURE() << "noise: " << std::get<Failed>(*e).reason;
  server_.handle_datagram(Bytes{}, link.now);
  if (auto e = server_.poll_event()) ADD_FAILURE() << "empty: " << std::get<Failed>(*e).reason;
  server_.handle_datagram(Bytes{22, 0xfe}, link.now);
  if (auto e = server_.poll_event()) ADD_FAILURE() << "short: " << std::get<Failed>(*e).reason;
  EXPECT_NE(server_.state(), State::kConnected);

  client_.start(link.now);
  link.shuttle();
  EXPECT_EQ(client_.state(), State::kConnected);
  EXPECT_EQ(server_.state(), State::kConnected);
}

TEST_F(DtlsTransportTest, MalformedHandshakeMessageFailsWithAReasonOrIsDropped) {
  exchange_fingerprints();
  // A well-framed DTLS 1.2 handshake record whose ClientHello body is nonsense.
  Bytes record{22,   0xfe, 0xfd, 0,    0,    0,    0,    0,    0,    0,    0,   0,  24,
               1,    0,    0,    12,   0,    0,    0,    0,    0,    0,    0,   12, 0xff,
               0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  const TimePoint now{std::chrono::seconds(1)};
  server_.handle_datagram(record, now);
  ASSERT_NE(server_.state(), State::kConnected);
  if (server_.state() == State::kFailed) {
    const auto e = server_.poll_event();
    ASSERT_TRUE(e.has_value());
    EXPECT_FALSE(std::get<Failed>(*e).reason.empty());
  } else {
    EXPECT_FALSE(server_.poll_event().has_value());
  }
}

TEST_F(DtlsTransportTest, PeerCloseNotifyEmitsClosed) {
  exchange_fingerprints();
  Link link(client_, server_);
  client_.start(link.now);
  link.shuttle();
  drain(client_);
  drain(server_);
  client_.close();
  EXPECT_EQ(client_.state(), State::kClosed);
  link.shuttle();
  EXPECT_EQ(server_.state(), State::kClosed);
  auto events = drain(server_);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Closed>(events[0]));
  EXPECT_TRUE(drain(client_).empty());
}

TEST(DtlsDemux, RecognizesDtlsByItsFirstByte) {
  EXPECT_TRUE(looks_like_dtls(Bytes{22, 0xfe, 0xfd}));
  EXPECT_FALSE(looks_like_dtls(Bytes{0x00, 0x01}));  // STUN
  EXPECT_FALSE(looks_like_dtls(Bytes{0x80, 0x60}));  // RTP
  EXPECT_FALSE(looks_like_dtls(Bytes{}));
}

}  // namespace
}  // namespace umbra::rtc::dtls
