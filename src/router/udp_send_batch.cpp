#include "router/udp_send_batch.h"

#include <cerrno>
#include <cstring>

#include <netinet/in.h>
#include <poll.h>

namespace umbra::router {

namespace {

socklen_t to_sockaddr(const rtc::stun::Address& a, sockaddr_storage& out) {
  std::memset(&out, 0, sizeof out);
  if (a.family == rtc::stun::Address::Family::kIpv4) {
    sockaddr_in v4{};
    v4.sin_family = AF_INET;
    v4.sin_port = htons(a.port);
    std::memcpy(&v4.sin_addr, a.ip.data(), 4);
    std::memcpy(&out, &v4, sizeof v4);
    return sizeof v4;
  }
  sockaddr_in6 v6{};
  v6.sin6_family = AF_INET6;
  v6.sin6_port = htons(a.port);
  std::memcpy(&v6.sin6_addr, a.ip.data(), 16);
  std::memcpy(&out, &v6, sizeof v6);
  return sizeof v6;
}

bool would_block(int error) {
  return error == EAGAIN || error == EWOULDBLOCK;
}

}  // namespace

UdpSendBatch::UdpSendBatch(int fd, Mode mode) : fd_(fd), mode_(mode) {}

void UdpSendBatch::send(const rtc::stun::Address& to, ByteSpan datagram) {
  if (mode_ == Mode::kSendto || datagram.size() > kSlotSize) {
    // Order on the wire follows the order of the calls: what is queued goes first.
    flush();
    sockaddr_storage address;
    const socklen_t size = to_sockaddr(to, address);
    (void)send_one(reinterpret_cast<const sockaddr*>(&address), size, datagram);
    return;
  }
  if (count_ == kCapacity) flush();
  Slot& slot = slots_[count_];
  slot.address_size = to_sockaddr(to, slot.address);
  std::memcpy(slot.bytes.data(), datagram.data(), datagram.size());
  iovecs_[count_] = iovec{slot.bytes.data(), datagram.size()};
  mmsghdr& header = headers_[count_];
  header = mmsghdr{};
  header.msg_hdr.msg_name = &slot.address;
  header.msg_hdr.msg_namelen = slot.address_size;
  header.msg_hdr.msg_iov = &iovecs_[count_];
  header.msg_hdr.msg_iovlen = 1;
  ++count_;
}

void UdpSendBatch::flush() {
  std::size_t next = 0;
  while (next < count_) {
    ++stats_.syscalls;
    const int sent = ::sendmmsg(fd_, headers_.data() + next, static_cast<unsigned>(count_ - next), 0);
    if (sent > 0) {
      stats_.datagrams += static_cast<std::uint64_t>(sent);
      next += static_cast<std::size_t>(sent);
      continue;
    }
    const int error = sent < 0 ? errno : 0;
    if (error == EINTR) continue;
    if (would_block(error)) {
      wait_writable();
      continue;
    }
    // sendmmsg stops at the first datagram the kernel refuses (an unreachable address, a size
    // over the limit, an ICMP error queued on the socket): that one goes alone through sendto,
    // which says whether it was the datagram or a transient error, and the batch moves on.
    if (error == ENOSYS) mode_ = Mode::kSendto;
    const Slot& slot = slots_[next];
    (void)send_one(reinterpret_cast<const sockaddr*>(&slot.address), slot.address_size,
                   ByteSpan(slot.bytes.data(), iovecs_[next].iov_len));
    ++next;
  }
  count_ = 0;
}

bool UdpSendBatch::send_one(const sockaddr* address, socklen_t address_size, ByteSpan datagram) {
  for (;;) {
    ++stats_.syscalls;
    const ssize_t n = ::sendto(fd_, datagram.data(), datagram.size(), 0, address, address_size);
    if (n >= 0) {
      ++stats_.datagrams;
      return true;
    }
    if (errno == EINTR) continue;
    if (would_block(errno)) {
      wait_writable();
      continue;
    }
    // UDP: the peer or the path refused this one datagram, like a loss on the network.
    ++stats_.errors;
    return false;
  }
}

void UdpSendBatch::wait_writable() const {
  pollfd p{fd_, POLLOUT, 0};
  while (::poll(&p, 1, -1) < 0 && errno == EINTR) {
  }
}

}  // namespace umbra::router
