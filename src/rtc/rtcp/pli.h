// Picture loss indication (RFC 4585 section 6.3.1): PSFB, FMT 1, no FCI.
#pragma once

#include <cstdint>

#include "rtc/rtcp/common.h"

namespace umbra::rtc::rtcp {

struct Pli {
  static constexpr std::uint8_t kFormat = 1;

  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;

  bool operator==(const Pli&) const = default;

  static Parsed<Pli> parse(const PacketView& view);
  Written serialize(Bytes& out) const;
};

}  // namespace umbra::rtc::rtcp
