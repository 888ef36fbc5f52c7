// Receiver report (RFC 3550 section 6.4.2).
#pragma once

#include <cstdint>
#include <vector>

#include "rtc/rtcp/common.h"
#include "rtc/rtcp/report_block.h"

namespace umbra::rtc::rtcp {

struct ReceiverReport {
  std::uint32_t ssrc = 0;
  std::vector<ReportBlock> reports;  // at most 31

  bool operator==(const ReceiverReport&) const = default;

  static Parsed<ReceiverReport> parse(const PacketView& view);
  Written serialize(Bytes& out) const;
};

}  // namespace umbra::rtc::rtcp
