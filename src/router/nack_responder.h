// Answers a consumer's generic NACKs (RFC 4585 section 6.2.1) from its producer's PacketCache.
//
// The consumer names packets by its own (rewritten) sequence numbers; the RtpRewriter maps them
// back to the producer's, the cached packet is rewritten to the consumer's SSRC, sequence number,
// timestamp and payload type again, and sent wrapped in RTX (RFC 4588) on the consumer's RTX
// stream when one was negotiated, or as a plain repeat otherwise. A packet is resent at most
// once per round trip, since a receiver repeats its NACK before the first answer can arrive.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/bytes.h"
#include "router/clock.h"
#include "router/packet_cache.h"
#include "router/rtp_rewriter.h"

namespace umbra::router {

struct ConsumerRtpParams {
  std::uint32_t ssrc = 0;
  std::uint8_t payload_type = 0;
  // RFC 4588 session multiplexing: the consumer's RTX stream, when negotiated.
  std::optional<std::uint32_t> rtx_ssrc;
  std::uint8_t rtx_payload_type = 0;
};

class NackResponder {
 public:
  NackResponder(ConsumerRtpParams params, std::uint16_t initial_rtx_seq)
      : params_(params), rtx_seq_(initial_rtx_seq) {}

  // Appends one packet to send per NACKed sequence number that can be answered. Returns how
  // many were appended.
  std::size_t answer(std::span<const std::uint16_t> nacked, const RtpRewriter& rewriter,
                     const PacketCache& cache, TimePoint now, std::vector<Bytes>& out);

  void set_rtt(Duration rtt) { rtt_ = rtt; }

  std::uint64_t resent_total() const { return resent_total_; }
  std::uint64_t missing_total() const { return missing_total_; }

 private:
  struct Sent {
    bool used = false;
    std::uint16_t seq = 0;
    TimePoint at{};
  };

  ConsumerRtpParams params_;
  std::uint16_t rtx_seq_;
  Duration rtt_ = std::chrono::milliseconds(100);
  std::array<Sent, 512> recent_{};
  Bytes scratch_;
  std::uint64_t resent_total_ = 0;
  std::uint64_t missing_total_ = 0;
};

}  // namespace umbra::router
