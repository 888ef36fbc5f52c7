#include "rtc/rtcp/sender_report.h"

#include "common/byte_reader.h"

namespace umbra::rtc::rtcp {

Parsed<SenderReport> SenderReport::parse(const PacketView& view) {
  if (view.type != type::kSenderReport) return err("rtcp: not a sender report");
  ByteReader r(view.body);
  SenderReport sr;
  const auto ssrc = r.u32();
  const auto ntp = r.uint(8);
  const auto rtp = r.u32();
  const auto packets = r.u32();
  const auto octets = r.u32();
  if (!ssrc || !ntp || !rtp || !packets || !octets) return err("rtcp: sender report truncated");
  sr.ssrc = *ssrc;
  sr.ntp_timestamp = *ntp;
  sr.rtp_timestamp = *rtp;
  sr.packet_count = *packets;
  sr.octet_count = *octets;
  auto blocks = parse_report_blocks(r.rest(), view.count);
  if (!blocks) return err(blocks.error());
  sr.reports = std::move(*blocks);
  return sr;
}

Written SenderReport::serialize(Bytes& out) const {
  if (reports.size() > kMaxCount) return err("rtcp: more than 31 report blocks");
  const auto start = begin_packet(out, static_cast<std::uint8_t>(reports.size()), type::kSenderReport);
  append_be32(out, ssrc);
  append_be32(out, static_cast<std::uint32_t>(ntp_timestamp >> 32));
  append_be32(out, static_cast<std::uint32_t>(ntp_timestamp));
  append_be32(out, rtp_timestamp);
  append_be32(out, packet_count);
  append_be32(out, octet_count);
  for (const auto& b : reports) b.serialize(out);
  return end_packet(out, start);
}

}  // namespace umbra::rtc::rtcp
