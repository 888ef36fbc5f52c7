// Loss detection on a stream the router receives from a publisher, producing the sequence
// numbers to put in generic NACKs upstream (RFC 4585 section 6.2.1).
//
// A gap in the sequence numbers marks packets missing. Each missing packet is NACKed at once
// and again every retry interval (about one RTT, so a retransmission that is merely in flight is
// not asked for twice) until it arrives, directly or unwrapped from RTX, or it has been asked for
// kMaxRetries times, or it is too old to be useful. A jump too large to recover asks for a
// keyframe instead, as NACKing hundreds of packets would only add to the congestion.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "router/clock.h"
#include "router/seq_num.h"

namespace umbra::router {

class NackGenerator {
 public:
  static constexpr int kMaxRetries = 10;
  static constexpr std::int64_t kMaxGap = 500;
  static constexpr Duration kMaxAge = std::chrono::seconds(1);
  static constexpr Duration kMinRetryInterval = std::chrono::milliseconds(20);

  enum class Received {
    kInOrder,       // the next packet, or a first one
    kRecovered,     // one we had marked missing
    kGap,           // newer than expected: the ones between are now missing
    kTooLargeGap,   // so far ahead that the missing ones are given up: request a keyframe
    kLateOrRepeat,  // older and not missing: a duplicate or one we had given up on
  };

  Received on_packet(std::uint16_t seq, TimePoint now);

  // The sequence numbers due for a NACK now; each returned one counts as asked once more.
  std::vector<std::uint16_t> poll(TimePoint now);

  // When poll next has something to return, if anything is missing.
  std::optional<TimePoint> next_timeout() const;

  // Retries are spaced by the measured round trip (from RTCP), never below kMinRetryInterval.
  void set_rtt(Duration rtt) { rtt_ = rtt; }

  std::size_t missing_count() const { return missing_.size(); }
  std::uint64_t nacked_total() const { return nacked_total_; }
  std::uint64_t recovered_total() const { return recovered_total_; }
  std::uint64_t given_up_total() const { return given_up_total_; }

 private:
  struct Missing {
    TimePoint detected;
    TimePoint last_sent{};
    int retries = 0;
  };
  Duration retry_interval() const { return rtt_ > kMinRetryInterval ? rtt_ : kMinRetryInterval; }

  SeqUnwrapper seq_;
  std::map<std::int64_t, Missing> missing_;
  Duration rtt_ = std::chrono::milliseconds(100);
  std::uint64_t nacked_total_ = 0;
  std::uint64_t recovered_total_ = 0;
  std::uint64_t given_up_total_ = 0;
};

}  // namespace umbra::router
