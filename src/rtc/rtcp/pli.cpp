#include "rtc/rtcp/pli.h"

namespace umbra::rtc::rtcp {

Parsed<Pli> Pli::parse(const PacketView& view) {
  if (view.type != type::kPayloadFeedback || view.count != kFormat) return err("rtcp: not a PLI");
  const auto fb = parse_feedback_header(view);
  if (!fb) return err(fb.error());
  // Any FCI is ignored: PLI defines none (section 6.3.1.2).
  return Pli{fb->sender_ssrc, fb->media_ssrc};
}

Written Pli::serialize(Bytes& out) const {
  const auto start = begin_packet(out, kFormat, type::kPayloadFeedback);
  append_be32(out, sender_ssrc);
  append_be32(out, media_ssrc);
  return end_packet(out, start);
}

}  // namespace umbra::rtc::rtcp
