// Puts one stream's RTP packets back in sequence order for recording (RFC 3550 section 5.1:
// sequence numbers are 16 bits and wrap; they are unwrapped to 64 bits here).
//
// A packet is released once every packet before it has been released, or once a gap in front of
// it has been waited on long enough: max_delay after the oldest packet held arrived, or as soon as
// more than max_packets are held. The router NACKs losses, so a retransmission usually fills a gap
// well within the delay; latency costs a recording nothing, so the default is generous. A packet
// older than what was already released (too late) or already held (a duplicate) is dropped.
// A long run of "late" packets means the sequence numbers jumped (a publisher that restarted its
// counter): the buffer then starts over at the new numbers instead of dropping the rest of the
// stream, and marks the first packet after the jump as a discontinuity.
// Sans-IO: the caller passes the time in.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>

#include "common/bytes.h"
#include "router/clock.h"
#include "router/seq_num.h"

namespace umbra::archive {

using router::Duration;
using router::TimePoint;

struct JitterBufferConfig {
  std::size_t max_packets = 1000;
  Duration max_delay = std::chrono::milliseconds(500);
  // How long the very first packet waits for packets that were sent before it but overtaken.
  // Shorter than max_delay: a video recording cannot start before its first key frame is
  // released, and while it waits the router keeps asking the publisher for one.
  Duration start_delay = std::chrono::milliseconds(100);
};

struct ReleasedPacket {
  Bytes bytes;
  TimePoint arrived;
  // How many sequence numbers were skipped just before this packet (0 when none were lost).
  std::uint64_t lost_before = 0;
  // The sequence numbers jumped before this packet: what came before may be lost.
  bool discontinuity = false;
};

struct JitterBufferStats {
  std::uint64_t released = 0;
  std::uint64_t lost = 0;
  std::uint64_t late = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t resyncs = 0;
  std::uint64_t discarded = 0;  // held from before a jump, given up
};

class JitterBuffer {
 public:
  // Consecutive late packets after which the sequence numbers are taken to have jumped.
  static constexpr std::uint32_t kResyncAfterLate = 64;

  explicit JitterBuffer(JitterBufferConfig config = {}) : config_(config) {}

  // Copies one RTP packet with this sequence number in.
  void push(std::uint16_t sequence_number, ByteSpan packet, TimePoint now);

  // The next packet in order, if it is due at `now`.
  std::optional<ReleasedPacket> pop(TimePoint now);

  // The next packet in order regardless of time: the stream ended, nothing more will fill gaps.
  std::optional<ReleasedPacket> drain();

  // When pop() will next release something while waiting on a gap.
  std::optional<TimePoint> next_timeout() const;

  std::size_t size() const { return packets_.size(); }
  const JitterBufferStats& stats() const { return stats_; }

 private:
  struct Held {
    Bytes bytes;
    TimePoint arrived;
  };
  ReleasedPacket release_first();
  TimePoint oldest_arrival() const;
  Duration current_delay() const { return next_ ? config_.max_delay : config_.start_delay; }

  JitterBufferConfig config_;
  router::SeqUnwrapper unwrapper_;
  std::map<std::int64_t, Held> packets_;
  std::optional<std::int64_t> next_;  // extended sequence number expected next
  std::uint32_t consecutive_late_ = 0;
  bool discontinuity_ = false;  // mark the next packet released
  JitterBufferStats stats_;
};

}  // namespace umbra::archive
