// Sender report (RFC 3550 section 6.4.1). Profile-specific extensions after the report blocks
// are skipped when parsing and never written.
#pragma once

#include <cstdint>
#include <vector>

#include "rtc/rtcp/common.h"
#include "rtc/rtcp/report_block.h"

namespace umbra::rtc::rtcp {

struct SenderReport {
  std::uint32_t ssrc = 0;
  std::uint64_t ntp_timestamp = 0;  // 32.32 fixed point seconds since 1900
  std::uint32_t rtp_timestamp = 0;
  std::uint32_t packet_count = 0;
  std::uint32_t octet_count = 0;
  std::vector<ReportBlock> reports;  // at most 31

  bool operator==(const SenderReport&) const = default;

  static Parsed<SenderReport> parse(const PacketView& view);
  Written serialize(Bytes& out) const;
};

}  // namespace umbra::rtc::rtcp
