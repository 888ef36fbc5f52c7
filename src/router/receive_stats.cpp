#include "router/receive_stats.h"

#include <algorithm>
#include <cmath>

namespace umbra::router {

void ReceiveStats::on_packet(std::uint16_t seq, std::uint32_t rtp_timestamp, TimePoint now) {
  if (!seq_.started()) {
    base_ = seq_.unwrap(seq);
    epoch_ = now;
  } else {
    (void)seq_.unwrap(seq);
  }
  ++received_;
  // Appendix A.8: transit time in timestamp units; jitter moves 1/16 of the way to |D|.
  const auto arrival_us = std::chrono::duration_cast<std::chrono::microseconds>(now - epoch_).count();
  const std::int64_t arrival = arrival_us * static_cast<std::int64_t>(clock_rate_) / 1'000'000;
  const std::int64_t transit = static_cast<std::int32_t>(static_cast<std::uint32_t>(arrival) - rtp_timestamp);
  if (have_transit_) {
    const double d = std::abs(static_cast<double>(transit - last_transit_));
    jitter_ += (d - jitter_) / 16.0;
  }
  have_transit_ = true;
  last_transit_ = transit;
}

void ReceiveStats::on_sender_report(std::uint64_t ntp_timestamp, TimePoint now) {
  last_sr_ = static_cast<std::uint32_t>(ntp_timestamp >> 16);
  last_sr_arrival_ = now;
}

std::int64_t ReceiveStats::lost() const {
  if (!seq_.started()) return 0;
  return seq_.highest() - base_ + 1 - static_cast<std::int64_t>(received_);
}

rtc::rtcp::ReportBlock ReceiveStats::report(std::uint32_t ssrc, TimePoint now) {
  rtc::rtcp::ReportBlock block;
  block.ssrc = ssrc;
  if (!seq_.started()) return block;
  const std::int64_t expected = seq_.highest() - base_ + 1;
  const std::int64_t expected_interval = expected - expected_prior_;
  const std::int64_t received_interval = static_cast<std::int64_t>(received_ - received_prior_);
  const std::int64_t lost_interval = expected_interval - received_interval;
  expected_prior_ = expected;
  received_prior_ = received_;
  if (expected_interval > 0 && lost_interval > 0) {
    block.fraction_lost =
        static_cast<std::uint8_t>(std::min<std::int64_t>(255, (lost_interval << 8) / expected_interval));
  }
  // 24-bit signed field.
  block.cumulative_lost = static_cast<std::int32_t>(std::clamp<std::int64_t>(lost(), -0x800000, 0x7FFFFF));
  block.highest_sequence = static_cast<std::uint32_t>(seq_.highest());
  block.jitter = static_cast<std::uint32_t>(jitter_);
  if (last_sr_) {
    block.last_sr = *last_sr_;
    const auto delay_us =
        std::chrono::duration_cast<std::chrono::microseconds>(now - last_sr_arrival_).count();
    block.delay_since_last_sr = static_cast<std::uint32_t>(delay_us * 65536 / 1'000'000);
  }
  return block;
}

}  // namespace umbra::router
