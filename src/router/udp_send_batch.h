// The worker's outgoing datagrams, sent in batches: one sendmmsg(2) per processing pass instead of
// one sendto(2) per datagram (a published packet fans out to every subscriber, so one received
// datagram makes many sends). Part of the socket shell, not the sans-IO cores: the transports still
// hand over one datagram at a time through their SendFn; the worker calls flush() when the pass
// (a received datagram, a tick, a posted task) is done.
//
// Datagrams are copied into fixed slots (kCapacity of them); a full batch is flushed at once. A
// datagram larger than a slot goes out by itself after what is queued. When sendmmsg fails for a
// datagram, that one is retried alone with sendto and, failing again, dropped and counted — like
// the network would drop it; the rest of the batch still goes out. A full socket buffer (EAGAIN
// on the non-blocking socket Asio keeps) waits for the socket to drain, as the sendto path did.
//
// Mode kSendto keeps the old one-syscall-per-datagram path (no queueing), so the benchmark can
// measure both in the same binary.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include <sys/socket.h>

#include "common/bytes.h"
#include "rtc/stun/message.h"

namespace umbra::router {

class UdpSendBatch {
 public:
  enum class Mode { kSendmmsg, kSendto };
  // Bounded so a pass's latency stays small and the slots fit in a few hundred KB.
  static constexpr std::size_t kCapacity = 64;
  // Larger than any datagram the router sends on a 1500-byte MTU path (RTP + SRTP tag, DTLS records).
  static constexpr std::size_t kSlotSize = 2048;

  struct Stats {
    std::uint64_t datagrams = 0;  // handed to the kernel successfully
    std::uint64_t syscalls = 0;   // sendmmsg + sendto calls (EAGAIN waits not counted)
    std::uint64_t errors = 0;     // datagrams dropped because the kernel refused them
  };

  // fd: a bound UDP socket owned by the caller, which outlives this object.
  UdpSendBatch(int fd, Mode mode);
  UdpSendBatch(const UdpSendBatch&) = delete;
  UdpSendBatch& operator=(const UdpSendBatch&) = delete;

  // Queues the datagram (kSendmmsg) or sends it now (kSendto).
  void send(const rtc::stun::Address& to, ByteSpan datagram);
  // Sends everything queued. Cheap when nothing is.
  void flush();

  Mode mode() const { return mode_; }
  std::size_t queued() const { return count_; }
  const Stats& stats() const { return stats_; }

 private:
  struct Slot {
    sockaddr_storage address;
    socklen_t address_size;
    std::array<std::uint8_t, kSlotSize> bytes;
  };
  // One datagram with sendto, waiting out EAGAIN; false when the kernel refused it.
  bool send_one(const sockaddr* address, socklen_t address_size, ByteSpan datagram);
  void wait_writable() const;

  int fd_;
  Mode mode_;
  std::size_t count_ = 0;
  std::array<Slot, kCapacity> slots_;
  std::array<iovec, kCapacity> iovecs_{};
  std::array<mmsghdr, kCapacity> headers_{};
  Stats stats_;
};

}  // namespace umbra::router
