// Goodbye (RFC 3550 section 6.6).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "rtc/rtcp/common.h"

namespace umbra::rtc::rtcp {

struct Bye {
  std::vector<std::uint32_t> ssrcs;  // at most 31
  std::string reason;                // optional, at most 255 bytes

  bool operator==(const Bye&) const = default;

  static Parsed<Bye> parse(const PacketView& view);
  Written serialize(Bytes& out) const;
};

}  // namespace umbra::rtc::rtcp
