// Transport-wide congestion control feedback
// (draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1): RTPFB, FMT 15. For a range
// of transport-wide sequence numbers it says which packets arrived and when, as receive deltas
// of 250 us relative to a 64 ms reference time. Packet statuses travel in run-length and
// status-vector chunks; the serializer picks chunks itself, so a parsed packet re-serializes to
// the same statuses and deltas, not necessarily the same chunk bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rtc/rtcp/common.h"

namespace umbra::rtc::rtcp {

struct TransportCc {
  static constexpr std::uint8_t kFormat = 15;
  static constexpr std::int64_t kDeltaTickUs = 250;
  static constexpr std::int64_t kReferenceTimeUs = 64000;

  enum class Status : std::uint8_t { kNotReceived = 0, kSmallDelta = 1, kLargeDelta = 2 };

  struct PacketStatus {
    Status status = Status::kNotReceived;
    // Receive delta in 250 us ticks since the previous received packet (the first one: since
    // the reference time). 0..255 for a small delta, any int16 for a large one, 0 if lost.
    std::int16_t delta_ticks = 0;
    bool operator==(const PacketStatus&) const = default;
  };

  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;
  std::uint16_t base_sequence = 0;
  std::int32_t reference_time = 0;  // 24-bit signed, in 64 ms units
  std::uint8_t feedback_count = 0;
  std::vector<PacketStatus> packets;  // one per sequence number from base_sequence on

  bool operator==(const TransportCc&) const = default;

  // Builds feedback from receive times in microseconds (nullopt = not received), index i being
  // sequence number base_sequence + i. Fails when two consecutive arrivals are further apart
  // than a large delta can say (about 8 s); the caller then starts a new feedback packet.
  static Result<TransportCc, std::string_view> from_arrivals(
      std::uint32_t sender_ssrc, std::uint32_t media_ssrc, std::uint16_t base_sequence,
      std::uint8_t feedback_count, std::span<const std::optional<std::int64_t>> arrival_us);
  // Receive times in microseconds on the sender of this feedback's clock (reference time based).
  std::vector<std::optional<std::int64_t>> arrival_times_us() const;

  static Parsed<TransportCc> parse(const PacketView& view);
  Written serialize(Bytes& out) const;
};

}  // namespace umbra::rtc::rtcp
