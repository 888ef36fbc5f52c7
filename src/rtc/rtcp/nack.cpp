#include "rtc/rtcp/nack.h"

namespace umbra::rtc::rtcp {

Nack Nack::from_lost(std::uint32_t sender_ssrc, std::uint32_t media_ssrc,
                     std::span<const std::uint16_t> lost) {
  Nack nack{sender_ssrc, media_ssrc, {}};
  for (const std::uint16_t seq : lost) {
    if (!nack.items.empty()) {
      auto& item = nack.items.back();
      const auto distance = static_cast<std::uint16_t>(seq - item.pid);
      if (distance == 0) continue;  // a duplicate
      if (distance <= 16) {
        item.blp = static_cast<std::uint16_t>(item.blp | (1u << (distance - 1)));
        continue;
      }
    }
    nack.items.push_back({seq, 0});
  }
  return nack;
}

std::vector<std::uint16_t> Nack::lost_sequence_numbers() const {
  std::vector<std::uint16_t> out;
  for (const auto& item : items) {
    out.push_back(item.pid);
    for (unsigned bit = 0; bit < 16; ++bit) {
      if (item.blp & (1u << bit)) out.push_back(static_cast<std::uint16_t>(item.pid + bit + 1));
    }
  }
  return out;
}

Parsed<Nack> Nack::parse(const PacketView& view) {
  if (view.type != type::kRtpFeedback || view.count != kFormat) return err("rtcp: not a generic NACK");
  const auto fb = parse_feedback_header(view);
  if (!fb) return err(fb.error());
  if (fb->fci.size() % 4 != 0) return err("rtcp: NACK FCI not a multiple of 4");
  Nack nack{fb->sender_ssrc, fb->media_ssrc, {}};
  for (std::size_t i = 0; i < fb->fci.size(); i += 4) {
    nack.items.push_back({load_be16(fb->fci.data() + i), load_be16(fb->fci.data() + i + 2)});
  }
  return nack;
}

Written Nack::serialize(Bytes& out) const {
  const auto start = begin_packet(out, kFormat, type::kRtpFeedback);
  append_be32(out, sender_ssrc);
  append_be32(out, media_ssrc);
  for (const auto& item : items) {
    append_be16(out, item.pid);
    append_be16(out, item.blp);
  }
  return end_packet(out, start);
}

}  // namespace umbra::rtc::rtcp
