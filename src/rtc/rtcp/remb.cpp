#include "rtc/rtcp/remb.h"

#include "common/byte_reader.h"

namespace umbra::rtc::rtcp {
namespace {

constexpr std::uint32_t kIdentifier = 0x52454D42;  // "REMB"
constexpr std::uint64_t kMaxMantissa = (1u << 18) - 1;

}  // namespace

bool Remb::is_remb(const PacketView& view) {
  return view.type == type::kPayloadFeedback && view.count == kFormat && view.body.size() >= 12 &&
         load_be32(view.body.data() + 8) == kIdentifier;
}

Parsed<Remb> Remb::parse(const PacketView& view) {
  if (!is_remb(view)) return err("rtcp: not a REMB");
  const auto fb = parse_feedback_header(view);
  if (!fb) return err(fb.error());
  ByteReader r(fb->fci);
  r.skip(4);  // the identifier, checked by is_remb()
  const auto count = r.u8();
  const auto bitrate = r.u24();
  if (!count || !bitrate) return err("rtcp: REMB truncated");
  const unsigned exponent = *bitrate >> 18;
  const std::uint64_t mantissa = *bitrate & kMaxMantissa;
  if (mantissa != 0 && exponent > 0 && (mantissa << exponent) >> exponent != mantissa) {
    return err("rtcp: REMB bitrate overflows");
  }
  Remb remb{fb->sender_ssrc, fb->media_ssrc, mantissa << exponent, {}};
  for (std::size_t i = 0; i < *count; ++i) {
    const auto ssrc = r.u32();
    if (!ssrc) return err("rtcp: REMB SSRC list overruns packet");
    remb.ssrcs.push_back(*ssrc);
  }
  return remb;
}

Written Remb::serialize(Bytes& out) const {
  if (ssrcs.size() > 255) return err("rtcp: more than 255 REMB SSRCs");
  unsigned exponent = 0;
  while ((bitrate_bps >> exponent) > kMaxMantissa) ++exponent;
  const auto mantissa = static_cast<std::uint32_t>(bitrate_bps >> exponent);
  const auto start = begin_packet(out, kFormat, type::kPayloadFeedback);
  append_be32(out, sender_ssrc);
  append_be32(out, media_ssrc);
  append_be32(out, kIdentifier);
  append_u8(out, static_cast<std::uint8_t>(ssrcs.size()));
  append_be24(out, (exponent << 18) | mantissa);
  for (const auto ssrc : ssrcs) append_be32(out, ssrc);
  return end_packet(out, start);
}

}  // namespace umbra::rtc::rtcp
