// Keyframe requests towards one publisher's video stream, merged and rate-limited.
//
// Every consumer that cannot decode (a new subscriber, a decoder that lost state and sent PLI or
// FIR) needs the next keyframe, but one keyframe serves them all and keyframes are expensive, so
// requests are merged: while one is outstanding, more requests just wait for the same keyframe.
// At most one request goes upstream per min_interval; if no keyframe has come by then and
// someone still waits, the request is repeated (the PLI or the keyframe itself may have been lost).
#pragma once

#include <cstdint>
#include <optional>

#include "router/clock.h"

namespace umbra::router {

struct KeyframeRequest {
  enum class Kind { kPli, kFir } kind = Kind::kPli;
  // RFC 5104 section 4.3.1.2: the FIR command sequence number, one more for each new request
  // (a repeat of an unanswered request keeps it, so the sender does not send two keyframes).
  std::uint8_t fir_seq = 0;
};

class KeyframeRequester {
 public:
  // use_fir: the publisher negotiated "ccm fir" but not "nack pli".
  explicit KeyframeRequester(bool use_fir = false, Duration min_interval = std::chrono::milliseconds(500))
      : use_fir_(use_fir), min_interval_(min_interval) {}

  // A consumer needs a keyframe (PLI/FIR received, or it just started).
  void request() { waiting_ = true; }

  // A keyframe arrived from the publisher: everyone waiting is served.
  void on_keyframe() {
    waiting_ = false;
    answered_ = true;
  }

  // The request to send upstream now, if one is due.
  std::optional<KeyframeRequest> poll(TimePoint now);

  // When poll may next return a request, if someone is waiting.
  std::optional<TimePoint> next_timeout() const;

  bool waiting() const { return waiting_; }
  std::uint64_t sent_total() const { return sent_total_; }

 private:
  bool use_fir_;
  Duration min_interval_;
  bool waiting_ = false;
  bool answered_ = true;  // whether the last request sent got its keyframe
  bool sent_any_ = false;
  TimePoint last_sent_{};
  std::uint8_t fir_seq_ = 0;
  std::uint64_t sent_total_ = 0;
};

}  // namespace umbra::router
