#include "rtc/rtcp/fir.h"

namespace umbra::rtc::rtcp {

Parsed<Fir> Fir::parse(const PacketView& view) {
  if (view.type != type::kPayloadFeedback || view.count != kFormat) return err("rtcp: not a FIR");
  const auto fb = parse_feedback_header(view);
  if (!fb) return err(fb.error());
  if (fb->fci.size() % 8 != 0) return err("rtcp: FIR FCI not a multiple of 8");
  Fir fir{fb->sender_ssrc, fb->media_ssrc, {}};
  for (std::size_t i = 0; i < fb->fci.size(); i += 8) {
    fir.entries.push_back({load_be32(fb->fci.data() + i), fb->fci[i + 4]});
  }
  return fir;
}

Written Fir::serialize(Bytes& out) const {
  const auto start = begin_packet(out, kFormat, type::kPayloadFeedback);
  append_be32(out, sender_ssrc);
  append_be32(out, media_ssrc);
  for (const auto& e : entries) {
    append_be32(out, e.ssrc);
    append_u8(out, e.sequence_number);
    append_be24(out, 0);
  }
  return end_packet(out, start);
}

}  // namespace umbra::rtc::rtcp
