#include "router/nack_generator.h"

#include <optional>

namespace umbra::router {

NackGenerator::Received NackGenerator::on_packet(std::uint16_t seq, TimePoint now) {
  if (!seq_.started()) {
    seq_.unwrap(seq);
    return Received::kInOrder;
  }
  const std::int64_t highest = seq_.highest();
  const std::int64_t ext = seq_.unwrap(seq);
  if (ext == highest + 1) return Received::kInOrder;
  if (ext > highest) {
    if (ext - highest > kMaxGap) {
      given_up_total_ += missing_.size();
      missing_.clear();
      return Received::kTooLargeGap;
    }
    for (std::int64_t s = highest + 1; s < ext; ++s) missing_.emplace(s, Missing{now});
    return Received::kGap;
  }
  const auto it = missing_.find(ext);
  if (it == missing_.end()) return Received::kLateOrRepeat;
  missing_.erase(it);
  ++recovered_total_;
  return Received::kRecovered;
}

std::vector<std::uint16_t> NackGenerator::poll(TimePoint now) {
  std::vector<std::uint16_t> due;
  const Duration interval = retry_interval();
  for (auto it = missing_.begin(); it != missing_.end();) {
    Missing& m = it->second;
    // Too old for a jitter buffer to use, or asked for often enough: the stream moves on (a
    // decoder that needs it will ask for a keyframe).
    if (now - m.detected > kMaxAge || m.retries >= kMaxRetries) {
      ++given_up_total_;
      it = missing_.erase(it);
      continue;
    }
    if (m.retries == 0 || now - m.last_sent >= interval) {
      due.push_back(static_cast<std::uint16_t>(it->first));
      m.last_sent = now;
      ++m.retries;
      ++nacked_total_;
    }
    ++it;
  }
  return due;
}

std::optional<TimePoint> NackGenerator::next_timeout() const {
  std::optional<TimePoint> next;
  const Duration interval = retry_interval();
  for (const auto& [seq, m] : missing_) {
    const TimePoint t = m.retries == 0 ? m.detected : m.last_sent + interval;
    if (!next || t < *next) next = t;
  }
  return next;
}

}  // namespace umbra::router
