// A producer's recent packets by sequence number, so consumer NACKs can be answered without
// asking the publisher (RFC 4585 section 6.2.1, answered with RFC 4588 RTX).
//
// A fixed ring indexed by seq modulo its size: lookups are O(1), a slot remembers its exact seq
// so a number that wrapped around is never confused with an older packet, and each slot keeps
// its buffer so the steady state allocates nothing. The default 2048 slots hold more than one
// second of video at up to about 20 Mbit/s of 1200-byte packets; max_age bounds how stale a
// retransmission may be, since a frame that old is no longer useful to a jitter buffer.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/bytes.h"
#include "router/clock.h"

namespace umbra::router {

class PacketCache {
 public:
  explicit PacketCache(std::size_t slots = 2048, Duration max_age = std::chrono::seconds(2));

  // Stores a copy of packet (the whole RTP packet as received, after SRTP).
  void insert(std::uint16_t seq, ByteSpan packet, TimePoint now);

  // The packet with exactly this seq, if still held and not older than max_age.
  std::optional<ByteSpan> find(std::uint16_t seq, TimePoint now) const;

  std::size_t slots() const { return slots_.size(); }

 private:
  struct Slot {
    bool used = false;
    std::uint16_t seq = 0;
    TimePoint stored{};
    Bytes data;
  };
  std::vector<Slot> slots_;
  Duration max_age_;
};

}  // namespace umbra::router
