// Full intra request (RFC 5104 section 4.3.1): PSFB, FMT 4. One FCI entry per target SSRC with
// a command sequence number the sender increments per new request (retransmissions repeat it).
#pragma once

#include <cstdint>
#include <vector>

#include "rtc/rtcp/common.h"

namespace umbra::rtc::rtcp {

struct FirEntry {
  std::uint32_t ssrc = 0;
  std::uint8_t sequence_number = 0;
  bool operator==(const FirEntry&) const = default;
};

struct Fir {
  static constexpr std::uint8_t kFormat = 4;

  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;  // RFC 5104 says 0; kept as received
  std::vector<FirEntry> entries;

  bool operator==(const Fir&) const = default;

  static Parsed<Fir> parse(const PacketView& view);
  Written serialize(Bytes& out) const;
};

}  // namespace umbra::rtc::rtcp
