// A reception report block (RFC 3550 section 6.4.1), carried by SR and RR.
#pragma once

#include <cstdint>

#include "common/bytes.h"
#include "rtc/rtcp/common.h"

namespace umbra::rtc::rtcp {

struct ReportBlock {
  static constexpr std::size_t kSize = 24;

  std::uint32_t ssrc = 0;
  std::uint8_t fraction_lost = 0;      // fixed point, /256
  std::int32_t cumulative_lost = 0;    // 24-bit signed: duplicates can make it negative
  std::uint32_t highest_sequence = 0;  // extended highest sequence number received
  std::uint32_t jitter = 0;
  std::uint32_t last_sr = 0;              // middle 32 bits of the last SR's NTP timestamp
  std::uint32_t delay_since_last_sr = 0;  // units of 1/65536 s

  bool operator==(const ReportBlock&) const = default;

  // Reads exactly kSize bytes.
  static ReportBlock parse(ByteSpan block);
  void serialize(Bytes& out) const;
};

// count blocks from the front of data; fails when they do not fit.
Parsed<std::vector<ReportBlock>> parse_report_blocks(ByteSpan data, std::size_t count);

}  // namespace umbra::rtc::rtcp
