// RTP sequence number arithmetic (RFC 3550 appendix A.1): 16-bit counters that wrap, compared by
// the shorter way round, and unwrapped to 64 bits where a stream's history must be ordered.
#pragma once

#include <cstdint>

namespace umbra::router {

// True when a comes after b, going the shorter way round the 16-bit circle.
inline bool seq_newer(std::uint16_t a, std::uint16_t b) {
  return a != b && static_cast<std::uint16_t>(a - b) < 0x8000;
}

// Signed distance from b to a (positive when a is newer).
inline int seq_diff(std::uint16_t a, std::uint16_t b) {
  return static_cast<std::int16_t>(static_cast<std::uint16_t>(a - b));
}

// Extends 16-bit sequence numbers to 64 bits relative to the newest one seen, so a late packet
// from just before a wrap gets the smaller extended number.
class SeqUnwrapper {
 public:
  std::int64_t unwrap(std::uint16_t seq) {
    if (!started_) {
      started_ = true;
      last_ = seq;
      return last_;
    }
    const std::int64_t candidate = last_ + seq_diff(seq, static_cast<std::uint16_t>(last_));
    if (candidate > last_) last_ = candidate;
    return candidate;
  }
  // The extended value seq would get, without remembering it.
  std::int64_t peek(std::uint16_t seq) const {
    if (!started_) return seq;
    return last_ + seq_diff(seq, static_cast<std::uint16_t>(last_));
  }
  bool started() const { return started_; }
  std::int64_t highest() const { return last_; }

 private:
  bool started_ = false;
  std::int64_t last_ = 0;
};

}  // namespace umbra::router
