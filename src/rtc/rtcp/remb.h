// Receiver estimated maximum bitrate (draft-alvestrand-rmcat-remb-03 section 2.2): PSFB,
// FMT 15 (application layer feedback) with the "REMB" identifier. Bitrate travels as an 18-bit
// mantissa and a 6-bit exponent, so serializing rounds it down to what that can carry.
#pragma once

#include <cstdint>
#include <vector>

#include "rtc/rtcp/common.h"

namespace umbra::rtc::rtcp {

struct Remb {
  static constexpr std::uint8_t kFormat = 15;

  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;  // always 0 per the draft; kept as received
  std::uint64_t bitrate_bps = 0;
  std::vector<std::uint32_t> ssrcs;  // at most 255

  bool operator==(const Remb&) const = default;

  // True when a PSFB FMT 15 packet carries the "REMB" identifier.
  static bool is_remb(const PacketView& view);
  static Parsed<Remb> parse(const PacketView& view);
  Written serialize(Bytes& out) const;
};

}  // namespace umbra::rtc::rtcp
