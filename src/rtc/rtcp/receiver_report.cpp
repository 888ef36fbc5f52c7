#include "rtc/rtcp/receiver_report.h"

#include "common/byte_reader.h"

namespace umbra::rtc::rtcp {

Parsed<ReceiverReport> ReceiverReport::parse(const PacketView& view) {
  if (view.type != type::kReceiverReport) return err("rtcp: not a receiver report");
  ByteReader r(view.body);
  const auto ssrc = r.u32();
  if (!ssrc) return err("rtcp: receiver report truncated");
  auto blocks = parse_report_blocks(r.rest(), view.count);
  if (!blocks) return err(blocks.error());
  return ReceiverReport{*ssrc, std::move(*blocks)};
}

Written ReceiverReport::serialize(Bytes& out) const {
  if (reports.size() > kMaxCount) return err("rtcp: more than 31 report blocks");
  const auto start = begin_packet(out, static_cast<std::uint8_t>(reports.size()), type::kReceiverReport);
  append_be32(out, ssrc);
  for (const auto& b : reports) b.serialize(out);
  return end_packet(out, start);
}

}  // namespace umbra::rtc::rtcp
