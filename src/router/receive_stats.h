// Reception statistics of one incoming RTP stream, for the report block of our RTCP RR
// (RFC 3550 section 6.4.1 and appendix A.3 and A.8): extended highest sequence number, loss
// (cumulative and the fraction since the previous report), interarrival jitter, and the LSR/DLSR
// echo of the sender's last SR so it can measure the round trip.
#pragma once

#include <cstdint>
#include <optional>

#include "router/clock.h"
#include "router/seq_num.h"
#include "rtc/rtcp/report_block.h"

namespace umbra::router {

class ReceiveStats {
 public:
  explicit ReceiveStats(std::uint32_t clock_rate) : clock_rate_(clock_rate) {}

  void on_packet(std::uint16_t seq, std::uint32_t rtp_timestamp, TimePoint now);
  // An SR from the sender: remember the middle 32 bits of its NTP time and when it came.
  void on_sender_report(std::uint64_t ntp_timestamp, TimePoint now);

  // The report block for this stream now; resets the interval used for fraction_lost.
  rtc::rtcp::ReportBlock report(std::uint32_t ssrc, TimePoint now);

  std::uint64_t received() const { return received_; }
  std::int64_t lost() const;

 private:
  std::uint32_t clock_rate_;
  SeqUnwrapper seq_;
  std::int64_t base_ = 0;
  std::uint64_t received_ = 0;
  std::int64_t expected_prior_ = 0;
  std::uint64_t received_prior_ = 0;
  double jitter_ = 0;
  bool have_transit_ = false;
  std::int64_t last_transit_ = 0;
  TimePoint epoch_{};
  std::optional<std::uint32_t> last_sr_;
  TimePoint last_sr_arrival_{};
};

}  // namespace umbra::router
