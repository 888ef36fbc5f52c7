// Router load generator: N native publishers, M subscribers each, on loopback through one Router
// (the same stack as `umbra serve`). Reports forwarded packets per second, per second of router
// worker CPU (= per core), and end-to-end loss.
//
//   umbra_router_load [--publishers N] [--subscribers M] [--rate PPS] [--seconds S] [--workers W]
//                     [--sendmmsg 0|1]
//
// rate is packets per second per publisher (1000-byte payloads); every packet is forwarded to M
// subscribers, so the router sends N * M * rate packets per second when it keeps up. --sendmmsg 0
// selects the workers' old one-sendto-per-datagram path (RouterOptions::batch_sends), the baseline
// for the batched default.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/rtp_sender.h"
#include "client/udp_peer.h"
#include "crypto/certificate.h"
#include "router/router.h"

namespace {

namespace asio = boost::asio;
using namespace umbra;
using namespace std::chrono_literals;

struct Peer : client::PeerTransport::Listener {
  client::UdpPeer udp;
  std::string fingerprint;
  std::string transport_id;
  std::optional<client::RtpSender> sender;
  std::string producer_id;
  std::uint64_t received = 0;
  bool connected = false;

  Peer(asio::io_context& io, const std::shared_ptr<const rtc::dtls::DtlsContext>& ctx) : udp(io, ctx) {
    udp.transport().set_listener(this);
  }
  void on_connected() override { connected = true; }
  void on_rtp(rtc::rtp::RtpPacket&, client::TimePoint) override { ++received; }
  void on_rtcp(ByteSpan compound, client::TimePoint) override {
    if (!sender) return;
    for (Bytes& resend : sender->handle_rtcp(compound)) udp.transport().send_rtp(resend);
  }
};

int arg(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const int publishers = arg(argc, argv, "--publishers", 4);
  const int subscribers = arg(argc, argv, "--subscribers", 4);
  const int rate = arg(argc, argv, "--rate", 500);
  const int seconds = arg(argc, argv, "--seconds", 5);
  const int workers = arg(argc, argv, "--workers", 1);
  const bool batch_sends = arg(argc, argv, "--sendmmsg", 1) != 0;

  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  const auto router_cert = crypto::Certificate::generate("router");
  const auto peer_cert = crypto::Certificate::generate("peer");
  const auto peer_ctx = std::make_shared<const rtc::dtls::DtlsContext>(peer_cert);

  router::RouterOptions options;
  options.rtc_port = 0;
  options.workers = static_cast<unsigned>(workers);
  options.batch_sends = batch_sends;
  router::Router router(options, router_cert,
                        [&io](std::function<void()> fn) { asio::post(io, std::move(fn)); });

  auto run_until = [&io](auto pred) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!pred() && std::chrono::steady_clock::now() < deadline) io.run_for(2ms);
    return pred();
  };

  std::vector<std::unique_ptr<Peer>> peers;
  auto connect = [&](const std::string& room) -> Peer* {
    auto peer = std::make_unique<Peer>(io, peer_ctx);
    Peer* p = peer.get();
    peers.push_back(std::move(peer));
    std::optional<server::TransportInfo> info;
    router.create_transport({room, "bench", false}, [&](auto o) { info = o.value; });
    if (!run_until([&] { return info.has_value(); })) return nullptr;
    p->transport_id = info->transport_id;
    bool done = false;
    router.connect_transport(p->transport_id, {"client", {{"sha-256", peer_cert.fingerprint_text()}}},
                             [&](auto) { done = true; });
    run_until([&] { return done; });
    const auto& c = info->candidates.front();
    const auto ip = asio::ip::make_address_v4(c.ip).to_bytes();
    if (!p->udp.start({rtc::stun::Address::ipv4(ip, c.port),
                       {info->ice_ufrag, info->ice_pwd},
                       "sha-256",
                       info->fingerprints.front().value})) {
      return nullptr;
    }
    if (!run_until([&] { return p->connected; })) return nullptr;
    return p;
  };

  std::vector<Peer*> pubs;
  std::vector<Peer*> subs;
  for (int i = 0; i < publishers; ++i) {
    const std::string room = "room-" + std::to_string(i);
    Peer* pub = connect(room);
    if (pub == nullptr) {
      std::fprintf(stderr, "publisher %d failed to connect\n", i);
      return 1;
    }
    const auto ssrc = static_cast<std::uint32_t>(0x1000 + i);
    pub->sender.emplace(client::RtpSenderParams{ssrc, 96, ssrc + 0x100000, 97});
    server::ProduceOptions po;
    po.kind = "video";
    po.rtp.codecs = {{"video/VP8", 96, 90000, 0, "", 97}};
    po.rtp.encodings = {{ssrc, ssrc + 0x100000, ""}};
    router.produce(pub->transport_id, po, [pub](auto o) {
      if (o.value) pub->producer_id = o.value->producer_id;
    });
    run_until([&] { return !pub->producer_id.empty(); });
    pubs.push_back(pub);
    for (int j = 0; j < subscribers; ++j) {
      Peer* sub = connect(room);
      if (sub == nullptr) {
        std::fprintf(stderr, "subscriber failed to connect\n");
        return 1;
      }
      bool done = false;
      router.consume(sub->transport_id, {pub->producer_id, false}, [&](auto) { done = true; });
      run_until([&] { return done; });
      subs.push_back(sub);
    }
  }

  // Stream: every millisecond each publisher sends its share; every 30th packet starts a keyframe.
  std::uint64_t sent = 0;
  std::uint32_t index = 0;
  const Bytes body(1000, 0xAB);
  asio::steady_timer timer(io);
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::seconds(seconds);
  double owed = 0;
  const auto stats0 = router.stats();
  const auto cpu0 = router.worker_cpu_seconds();
  std::uint64_t rounds = 0;
  std::function<void()> pump = [&] {
    // Catch up to where the clock says the stream should be, so a late timer does not lower the rate.
    owed = rate * std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() -
           static_cast<double>(rounds);
    while (owed >= 1) {
      owed -= 1;
      ++rounds;
      for (Peer* pub : pubs) {
        Bytes payload = body;
        payload[0] = index % 30 == 0 ? 0x10 : 0x00;
        payload[1] = index % 30 == 0 ? 0x50 : 0x51;
        Bytes packet = pub->sender->packetize(payload, 3000 * (index / 10), true);
        if (pub->udp.transport().send_rtp(packet)) ++sent;
      }
      ++index;
    }
    if (std::chrono::steady_clock::now() < end) {
      timer.expires_after(1ms);
      timer.async_wait([&](boost::system::error_code) { pump(); });
    }
  };
  pump();
  run_until([&] { return std::chrono::steady_clock::now() >= end; });
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto stats1 = router.stats();
  const auto cpu1 = router.worker_cpu_seconds();
  io.run_for(500ms);  // drain

  std::uint64_t received = 0;
  for (Peer* s : subs) received += s->received;
  double cpu = 0;
  for (std::size_t i = 0; i < cpu0.size(); ++i) cpu += cpu1[i] - cpu0[i];
  const double forwarded = static_cast<double>(stats1.packets_out - stats0.packets_out);
  const double expected = static_cast<double>(sent) * subscribers;
  std::printf(
      "publishers=%d subscribers/publisher=%d rate=%d pps/publisher workers=%d sends=%s seconds=%.1f\n",
      publishers, subscribers, rate, workers, batch_sends ? "sendmmsg" : "sendto", elapsed);
  std::printf("forwarded %.0f packets/s; router worker CPU %.2f s (%.0f%% of one core)\n",
              forwarded / elapsed, cpu, 100 * cpu / elapsed);
  std::printf("forwarded packets per CPU-second (per core): %.0f\n", cpu > 0 ? forwarded / cpu : 0.0);
  std::printf("loss: %.3f%% (%llu of %.0f expected packets received)\n",
              expected > 0 ? 100.0 * (1.0 - static_cast<double>(received) / expected) : 0.0,
              static_cast<unsigned long long>(received), expected);
  return 0;
}
