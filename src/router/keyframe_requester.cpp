#include "router/keyframe_requester.h"

namespace umbra::router {

std::optional<KeyframeRequest> KeyframeRequester::poll(TimePoint now) {
  if (!waiting_) return std::nullopt;
  if (sent_any_ && now - last_sent_ < min_interval_) return std::nullopt;
  // A new request after the previous one was answered gets a new FIR sequence number; a repeat
  // of an unanswered one keeps it.
  if (sent_any_ && answered_) ++fir_seq_;
  sent_any_ = true;
  answered_ = false;
  last_sent_ = now;
  ++sent_total_;
  return KeyframeRequest{use_fir_ ? KeyframeRequest::Kind::kFir : KeyframeRequest::Kind::kPli, fir_seq_};
}

std::optional<TimePoint> KeyframeRequester::next_timeout() const {
  if (!waiting_) return std::nullopt;
  if (!sent_any_) return TimePoint{};
  return last_sent_ + min_interval_;
}

}  // namespace umbra::router
