#include "rtc/rtcp/report_block.h"

namespace umbra::rtc::rtcp {

ReportBlock ReportBlock::parse(ByteSpan block) {
  const std::uint8_t* p = block.data();
  ReportBlock b;
  b.ssrc = load_be32(p);
  b.fraction_lost = p[4];
  const std::uint32_t lost = (std::uint32_t{p[5]} << 16) | (std::uint32_t{p[6]} << 8) | p[7];
  // Sign-extend the 24-bit field.
  b.cumulative_lost =
      (lost & 0x800000u) ? static_cast<std::int32_t>(lost) - 0x1000000 : static_cast<std::int32_t>(lost);
  b.highest_sequence = load_be32(p + 8);
  b.jitter = load_be32(p + 12);
  b.last_sr = load_be32(p + 16);
  b.delay_since_last_sr = load_be32(p + 20);
  return b;
}

void ReportBlock::serialize(Bytes& out) const {
  append_be32(out, ssrc);
  append_u8(out, fraction_lost);
  // Clamp to the 24-bit signed range (RFC 3550 A.3 does the same).
  const std::int32_t lost =
      cumulative_lost > 0x7FFFFF ? 0x7FFFFF : (cumulative_lost < -0x800000 ? -0x800000 : cumulative_lost);
  append_be24(out, static_cast<std::uint32_t>(lost) & 0xFFFFFFu);
  append_be32(out, highest_sequence);
  append_be32(out, jitter);
  append_be32(out, last_sr);
  append_be32(out, delay_since_last_sr);
}

Parsed<std::vector<ReportBlock>> parse_report_blocks(ByteSpan data, std::size_t count) {
  if (data.size() < count * ReportBlock::kSize) return err("rtcp: report blocks overrun packet");
  std::vector<ReportBlock> blocks;
  blocks.reserve(count);
  for (std::size_t i = 0; i < count; ++i)
    blocks.push_back(ReportBlock::parse(data.subspan(i * ReportBlock::kSize)));
  return blocks;
}

}  // namespace umbra::rtc::rtcp
