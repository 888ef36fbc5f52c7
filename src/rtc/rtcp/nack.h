// Generic NACK (RFC 4585 section 6.2.1): RTPFB, FMT 1. Each item names a lost packet (PID) and
// a bitmask of the 16 following ones (BLP).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "rtc/rtcp/common.h"

namespace umbra::rtc::rtcp {

struct NackItem {
  std::uint16_t pid = 0;
  std::uint16_t blp = 0;
  bool operator==(const NackItem&) const = default;
};

struct Nack {
  static constexpr std::uint8_t kFormat = 1;

  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;
  std::vector<NackItem> items;

  bool operator==(const Nack&) const = default;

  // Packs lost sequence numbers, given in sending order (wrap-around allowed), into items.
  static Nack from_lost(std::uint32_t sender_ssrc, std::uint32_t media_ssrc,
                        std::span<const std::uint16_t> lost);
  // Expands the items back into sequence numbers, in item order.
  std::vector<std::uint16_t> lost_sequence_numbers() const;

  static Parsed<Nack> parse(const PacketView& view);
  Written serialize(Bytes& out) const;
};

}  // namespace umbra::rtc::rtcp
