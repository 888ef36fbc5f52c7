// DESIGN.md section 4 end to end on the router: a native publisher seals VP8 frames with
// umbra-e2ee-v1, the router forwards them (detecting the keyframe from the clear prefix), the
// subscriber opens them byte-exact, and the router's own --rtp-dump shows only ciphertext.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "client/rtp_sender.h"
#include "client/udp_peer.h"
#include "crypto/certificate.h"
#include "e2ee/frame.h"
#include "router/router.h"
#include "sframe/sframe.h"

namespace umbra::router {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

constexpr std::uint64_t kKid = 0xBEEF'0000'0000'0001;
constexpr std::string_view kSecretText = "TOP-SECRET-PIXELS";

struct Peer : client::PeerTransport::Listener {
  crypto::Certificate cert = crypto::Certificate::generate("peer");
  client::UdpPeer udp;
  std::string transport_id;
  std::optional<client::RtpSender> sender;
  std::vector<Bytes> payloads;
  std::vector<bool> markers;
  bool connected = false;
  explicit Peer(asio::io_context& io) : udp(io, std::make_shared<const rtc::dtls::DtlsContext>(cert)) {
    udp.transport().set_listener(this);
  }
  void on_connected() override { connected = true; }
  void on_rtp(rtc::rtp::RtpPacket& p, client::TimePoint) override {
    payloads.emplace_back(p.payload().begin(), p.payload().end());
    markers.push_back(p.marker());
  }
  void on_rtcp(ByteSpan compound, client::TimePoint) override {
    if (!sender) return;
    for (Bytes& resend : sender->handle_rtcp(compound)) udp.transport().send_rtp(resend);
  }
};

TEST(RouterE2ee, ForwardsSealedFramesTheSubscriberOpensAndTheDumpShowsOnlyCiphertext) {
  asio::io_context io;
  auto work = asio::make_work_guard(io);
  const auto dump_dir =
      std::filesystem::temp_directory_path() / ("umbra-e2ee-dump-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dump_dir);
  const auto router_cert = crypto::Certificate::generate("router");
  RouterOptions options;
  options.rtc_port = 0;
  options.rtp_dump_dir = dump_dir.string();
  auto router = std::make_unique<Router>(options, router_cert,
                                         [&io](std::function<void()> fn) { asio::post(io, std::move(fn)); });
  auto run_until = [&](auto pred) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!pred() && std::chrono::steady_clock::now() < deadline) io.run_for(2ms);
    return pred();
  };
  std::vector<std::unique_ptr<Peer>> peers;
  auto connect = [&]() -> Peer& {
    peers.push_back(std::make_unique<Peer>(io));
    Peer& p = *peers.back();
    std::optional<server::TransportInfo> info;
    router->create_transport({"e2ee-room", "c", true}, [&](auto o) { info = o.value; });
    EXPECT_TRUE(run_until([&] { return info.has_value(); }));
    p.transport_id = info->transport_id;
    bool done = false;
    router->connect_transport(p.transport_id, {"client", {{"sha-256", p.cert.fingerprint_text()}}},
                              [&](auto) { done = true; });
    EXPECT_TRUE(run_until([&] { return done; }));
    const auto& c = info->candidates.front();
    EXPECT_TRUE(p.udp.start({rtc::stun::Address::ipv4(asio::ip::make_address_v4(c.ip).to_bytes(), c.port),
                             {info->ice_ufrag, info->ice_pwd},
                             "sha-256",
                             info->fingerprints.front().value}));
    EXPECT_TRUE(run_until([&] { return p.connected; }));
    return p;
  };

  Peer& pub = connect();
  pub.sender.emplace(client::RtpSenderParams{0x5151, 96, 0x5152, 97});
  std::string producer_id;
  server::ProduceOptions po;
  po.kind = "video";
  po.rtp.codecs = {{"video/VP8", 96, 90000, 0, "", 97}};
  po.rtp.encodings = {{0x5151, 0x5152, ""}};
  router->produce(pub.transport_id, po, [&](auto o) { producer_id = o.value ? o.value->producer_id : "?"; });
  ASSERT_TRUE(run_until([&] { return !producer_id.empty(); }));
  Peer& sub = connect();
  bool consumed = false;
  router->consume(sub.transport_id, {producer_id, false}, [&](auto o) { consumed = o.value.has_value(); });
  ASSERT_TRUE(run_until([&] { return consumed; }));
  ASSERT_TRUE(run_until([&] { return pub.sender->keyframe_requests() > 0; }));

  // A VP8 key frame whose content is a recognisable secret, sealed as DESIGN.md section 4.8 says.
  Bytes frame = {0x50, 0x12, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00};
  while (frame.size() < 3000) frame.insert(frame.end(), kSecretText.begin(), kSecretText.end());
  sframe::Context seal_ctx(e2ee::kCipherSuite);
  seal_ctx.add_key(kKid, Bytes(16, 0x42));
  Bytes wire(frame.size() + e2ee::kMaxWireOverhead);
  const auto sealed = e2ee::seal_frame(seal_ctx, kKid, e2ee::Codec::kVp8, frame, wire);
  ASSERT_TRUE(sealed);
  wire.resize(*sealed);

  // Packetized as a browser would: VP8 descriptor (S bit on the first), marker on the last.
  constexpr std::size_t kChunk = 1000;
  for (std::size_t off = 0; off < wire.size(); off += kChunk) {
    Bytes payload = {static_cast<std::uint8_t>(off == 0 ? 0x10 : 0x00)};
    const std::size_t n = std::min(kChunk, wire.size() - off);
    payload.insert(payload.end(), wire.begin() + static_cast<std::ptrdiff_t>(off),
                   wire.begin() + static_cast<std::ptrdiff_t>(off + n));
    Bytes packet = pub.sender->packetize(payload, 9000, off + n == wire.size());
    ASSERT_TRUE(pub.udp.transport().send_rtp(packet));
  }
  ASSERT_TRUE(run_until([&] { return !sub.markers.empty() && sub.markers.back(); }));

  Bytes received;
  for (const Bytes& p : sub.payloads) received.insert(received.end(), p.begin() + 1, p.end());
  EXPECT_EQ(received, wire) << "the router forwards the sealed frame unchanged";
  sframe::Context open_ctx(e2ee::kCipherSuite);
  open_ctx.add_key(kKid, Bytes(16, 0x42));
  Bytes opened(received.size());
  const auto n = e2ee::open_frame(open_ctx, e2ee::Codec::kVp8, received, opened);
  ASSERT_TRUE(n);
  opened.resize(*n);
  EXPECT_EQ(opened, frame);

  const auto dump = dump_dir / (pub.transport_id + ".pcap");
  router.reset();  // closes the dump files
  std::ifstream in(dump, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_GT(bytes.size(), wire.size()) << "the dump holds the publisher's packets";
  EXPECT_EQ(bytes.find(kSecretText), std::string::npos) << "the router never saw the plaintext";
  EXPECT_NE(bytes.find(std::string("\x10\x50\x12\x00\x9d\x01\x2a", 7)), std::string::npos)
      << "only the clear prefix (VP8 key frame header) is readable";
  peers.clear();
  std::filesystem::remove_all(dump_dir);
}

}  // namespace
}  // namespace umbra::router
