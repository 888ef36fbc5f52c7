#include "router/twcc_recorder.h"

#include <optional>

namespace umbra::router {

void TwccRecorder::on_packet(std::uint16_t transport_seq, TimePoint now) {
  if (!has_epoch_) {
    has_epoch_ = true;
    epoch_ = now;
  }
  const std::int64_t ext = seq_.unwrap(transport_seq);
  // Already reported (as lost, or a duplicate): the sender has moved on.
  if (has_next_ && ext < next_base_) return;
  arrivals_us_.emplace(ext, std::chrono::duration_cast<std::chrono::microseconds>(now - epoch_).count());
}

std::vector<rtc::rtcp::TransportCc> TwccRecorder::poll(std::uint32_t sender_ssrc, std::uint32_t media_ssrc) {
  std::vector<rtc::rtcp::TransportCc> out;
  if (arrivals_us_.empty()) return out;
  std::int64_t base = has_next_ ? next_base_ : arrivals_us_.begin()->first;
  const std::int64_t last = arrivals_us_.rbegin()->first;
  // A long silence can leave a hole too wide to report usefully; start again at what arrived.
  if (last - base >= 8 * kMaxPacketsPerFeedback) base = arrivals_us_.begin()->first;
  while (base <= last) {
    const std::int64_t end = std::min(last, base + kMaxPacketsPerFeedback - 1);
    std::vector<std::optional<std::int64_t>> arrivals;
    arrivals.reserve(static_cast<std::size_t>(end - base + 1));
    for (std::int64_t s = base; s <= end; ++s) {
      const auto it = arrivals_us_.find(s);
      arrivals.push_back(it == arrivals_us_.end() ? std::nullopt : std::optional(it->second));
    }
    auto feedback = rtc::rtcp::TransportCc::from_arrivals(
        sender_ssrc, media_ssrc, static_cast<std::uint16_t>(base), feedback_count_, arrivals);
    if (feedback) {
      ++feedback_count_;
      out.push_back(std::move(*feedback));
    }
    base = end + 1;
  }
  has_next_ = true;
  next_base_ = last + 1;
  arrivals_us_.clear();
  return out;
}

}  // namespace umbra::router
