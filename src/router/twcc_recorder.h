// Transport-wide congestion control feedback for what a publisher sends us
// (draft-holmer-rmcat-transport-wide-cc-extensions-01). The browser numbers every packet on the
// transport in one header extension and estimates its available bandwidth from our reports of
// when each arrived; without them it stays near its start bitrate. Sans-IO: arrivals in,
// feedback packets out on poll (the room polls about every 100 ms, as browsers expect).
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "router/clock.h"
#include "router/seq_num.h"
#include "rtc/rtcp/transport_cc.h"

namespace umbra::router {

class TwccRecorder {
 public:
  // Feedback packets stay well under the MTU with this many statuses each.
  static constexpr std::int64_t kMaxPacketsPerFeedback = 500;

  void on_packet(std::uint16_t transport_seq, TimePoint now);

  // Feedback for everything from the first sequence number not yet reported to the newest one
  // seen (missing ones reported lost). Empty when nothing arrived since the last poll.
  std::vector<rtc::rtcp::TransportCc> poll(std::uint32_t sender_ssrc, std::uint32_t media_ssrc);

 private:
  SeqUnwrapper seq_;
  std::map<std::int64_t, std::int64_t> arrivals_us_;  // extended seq -> arrival since epoch_
  bool has_epoch_ = false;
  TimePoint epoch_{};
  bool has_next_ = false;
  std::int64_t next_base_ = 0;
  std::uint8_t feedback_count_ = 0;
};

}  // namespace umbra::router
