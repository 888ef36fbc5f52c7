// The worker's send path alone (UdpSendBatch): one published packet's fan-out to 8 subscribers on
// loopback, as one sendmmsg or as 8 sendto calls. The receivers are never read (a full receive
// buffer drops silently, as UDP does), so only the sending side is measured.
#include <benchmark/benchmark.h>

#include <array>
#include <memory>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "router/udp_send_batch.h"

namespace {

using umbra::router::UdpSendBatch;

int bound_socket(std::uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  (void)::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
  socklen_t size = sizeof a;
  (void)::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &size);
  port = ntohs(a.sin_port);
  return fd;
}

void fan_out(benchmark::State& state, UdpSendBatch::Mode mode) {
  constexpr int kSubscribers = 8;
  std::uint16_t port = 0;
  const int sender = bound_socket(port);
  std::array<int, kSubscribers> receivers{};
  std::array<umbra::rtc::stun::Address, kSubscribers> to{};
  for (int i = 0; i < kSubscribers; ++i) {
    receivers[i] = bound_socket(port);
    to[i] = umbra::rtc::stun::Address::ipv4({127, 0, 0, 1}, port);
  }
  auto batch = std::make_unique<UdpSendBatch>(sender, mode);
  const umbra::Bytes packet(1040, 0x80);  // a 1000-byte payload with RTP header and SRTP tag
  for (auto _ : state) {
    for (const auto& address : to) batch->send(address, packet);
    batch->flush();
  }
  state.SetItemsProcessed(state.iterations() * kSubscribers);
  state.counters["syscalls_per_datagram"] =
      static_cast<double>(batch->stats().syscalls) / static_cast<double>(state.iterations() * kSubscribers);
  batch.reset();
  for (const int fd : receivers) ::close(fd);
  ::close(sender);
}

void BM_FanOutSendto(benchmark::State& state) {
  fan_out(state, UdpSendBatch::Mode::kSendto);
}
void BM_FanOutSendmmsg(benchmark::State& state) {
  fan_out(state, UdpSendBatch::Mode::kSendmmsg);
}
BENCHMARK(BM_FanOutSendto);
BENCHMARK(BM_FanOutSendmmsg);

}  // namespace
