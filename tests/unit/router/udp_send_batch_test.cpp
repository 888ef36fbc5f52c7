#include "router/udp_send_batch.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <utility>
#include <vector>

#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

namespace umbra::router {
namespace {

// A UDP socket on 127.0.0.1 with an ephemeral port, closed at scope end.
struct Socket {
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  std::uint16_t port = 0;

  Socket() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a), 0);
    socklen_t size = sizeof a;
    EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &size), 0);
    port = ntohs(a.sin_port);
  }
  ~Socket() { ::close(fd); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  rtc::stun::Address address() const { return rtc::stun::Address::ipv4({127, 0, 0, 1}, port); }

  // The next `count` datagrams, waiting for each (loopback may hand them over from a softirq a
  // moment later); fewer only if one never comes.
  std::vector<Bytes> receive(std::size_t count) {
    std::vector<Bytes> out;
    pollfd p{fd, POLLIN, 0};
    while (out.size() < count && ::poll(&p, 1, 5000) > 0) {
      Bytes buffer(4096);
      const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n < 0) break;
      buffer.resize(static_cast<std::size_t>(n));
      out.push_back(std::move(buffer));
    }
    return out;
  }
  bool nothing_waiting() {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
  }
};

Bytes datagram(std::size_t size, std::uint8_t tag) {
  Bytes d(size, tag);
  d[0] = 0x80;
  return d;
}

TEST(UdpSendBatch, SendsQueuedDatagramsInOrderWithOneSyscallPerFlush) {
  Socket sender;
  Socket a;
  Socket b;
  UdpSendBatch batch(sender.fd, UdpSendBatch::Mode::kSendmmsg);
  for (std::uint8_t i = 0; i < 10; ++i)
    batch.send(i % 2 == 0 ? a.address() : b.address(), datagram(100 + i, i));
  EXPECT_EQ(batch.queued(), 10u);
  EXPECT_TRUE(a.nothing_waiting()) << "nothing leaves before the flush";
  batch.flush();
  EXPECT_EQ(batch.queued(), 0u);
  EXPECT_EQ(batch.stats().syscalls, 1u);
  EXPECT_EQ(batch.stats().datagrams, 10u);
  const auto at_a = a.receive(5);
  const auto at_b = b.receive(5);
  ASSERT_EQ(at_a.size(), 5u);
  ASSERT_EQ(at_b.size(), 5u);
  for (std::uint8_t i = 0; i < 5; ++i) {
    EXPECT_EQ(at_a[i], datagram(100 + 2 * i, static_cast<std::uint8_t>(2 * i)));
    EXPECT_EQ(at_b[i], datagram(101 + 2 * i, static_cast<std::uint8_t>(2 * i + 1)));
  }
}

TEST(UdpSendBatch, FlushesByItselfWhenTheBatchIsFull) {
  Socket sender;
  Socket a;
  UdpSendBatch batch(sender.fd, UdpSendBatch::Mode::kSendmmsg);
  const std::size_t total = UdpSendBatch::kCapacity + 3;
  for (std::size_t i = 0; i < total; ++i) batch.send(a.address(), datagram(64, static_cast<std::uint8_t>(i)));
  EXPECT_EQ(batch.queued(), 3u);
  batch.flush();
  EXPECT_EQ(batch.stats().syscalls, 2u);
  const auto got = a.receive(total);
  ASSERT_EQ(got.size(), total);
  for (std::size_t i = 0; i < total; ++i) EXPECT_EQ(got[i][1], static_cast<std::uint8_t>(i)) << i;
}

TEST(UdpSendBatch, SendsADatagramLargerThanASlotAloneAfterWhatIsQueued) {
  Socket sender;
  Socket a;
  UdpSendBatch batch(sender.fd, UdpSendBatch::Mode::kSendmmsg);
  batch.send(a.address(), datagram(50, 1));
  batch.send(a.address(), datagram(UdpSendBatch::kSlotSize + 100, 2));
  batch.send(a.address(), datagram(50, 3));
  batch.flush();
  const auto got = a.receive(3);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], datagram(50, 1));
  EXPECT_EQ(got[1], datagram(UdpSendBatch::kSlotSize + 100, 2));
  EXPECT_EQ(got[2], datagram(50, 3));
}

TEST(UdpSendBatch, DropsOnlyTheDatagramTheKernelRefusesAndSendsTheRest) {
  Socket sender;
  Socket a;
  UdpSendBatch batch(sender.fd, UdpSendBatch::Mode::kSendmmsg);
  batch.send(a.address(), datagram(40, 1));
  // An IPv6 destination on an IPv4 socket: sendmmsg stops there with an error.
  batch.send(rtc::stun::Address::ipv6({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, a.port),
             datagram(40, 2));
  batch.send(a.address(), datagram(40, 3));
  batch.flush();
  EXPECT_EQ(batch.stats().errors, 1u);
  EXPECT_EQ(batch.stats().datagrams, 2u);
  const auto got = a.receive(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(a.nothing_waiting());
  EXPECT_EQ(got[0], datagram(40, 1));
  EXPECT_EQ(got[1], datagram(40, 3));
}

TEST(UdpSendBatch, SendtoModeSendsEachDatagramAtOnce) {
  Socket sender;
  Socket a;
  UdpSendBatch batch(sender.fd, UdpSendBatch::Mode::kSendto);
  batch.send(a.address(), datagram(40, 1));
  EXPECT_EQ(batch.queued(), 0u);
  batch.send(a.address(), datagram(40, 2));
  batch.flush();
  EXPECT_EQ(batch.stats().syscalls, 2u);
  const auto got = a.receive(2);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(a.nothing_waiting());
  EXPECT_EQ(got[1], datagram(40, 2));
}

}  // namespace
}  // namespace umbra::router
