// The native peer's sending side of one RTP stream: numbers packets, remembers the recent ones,
// and answers the router's NACKs with RTX (RFC 4588) and counts its keyframe requests (PLI/FIR)
// so the media pipeline above can produce a keyframe.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "common/bytes.h"

namespace umbra::client {

struct RtpSenderParams {
  std::uint32_t ssrc = 0;
  std::uint8_t payload_type = 96;
  std::optional<std::uint32_t> rtx_ssrc;
  std::uint8_t rtx_payload_type = 97;
};

class RtpSender {
 public:
  explicit RtpSender(RtpSenderParams params, std::uint16_t initial_seq = 1, std::size_t history = 1024);

  // A plain RTP packet carrying payload, with the next sequence number; remembered for NACKs.
  Bytes packetize(ByteSpan payload, std::uint32_t timestamp, bool marker);

  // RTCP from the router: returns the retransmissions to send (RTX when configured, else plain
  // repeats) for NACKs of this stream; PLI/FIR for it are counted.
  std::vector<Bytes> handle_rtcp(ByteSpan compound);

  const RtpSenderParams& params() const { return params_; }
  std::uint64_t keyframe_requests() const { return keyframe_requests_; }
  std::uint64_t nacked() const { return nacked_; }
  std::uint64_t retransmitted() const { return retransmitted_; }

 private:
  RtpSenderParams params_;
  std::uint16_t seq_;
  std::uint16_t rtx_seq_ = 1;
  std::size_t history_size_;
  std::map<std::uint16_t, Bytes> history_;
  std::deque<std::uint16_t> order_;
  std::uint64_t keyframe_requests_ = 0;
  std::uint64_t nacked_ = 0;
  std::uint64_t retransmitted_ = 0;
};

}  // namespace umbra::client
