#include "rtc/rtcp/sdes.h"

#include "common/byte_reader.h"

namespace umbra::rtc::rtcp {

Sdes Sdes::with_cname(std::uint32_t ssrc, std::string_view cname) {
  return Sdes{{SdesChunk{ssrc, {SdesItem{SdesItem::kCname, std::string(cname)}}}}};
}

std::optional<std::string_view> Sdes::cname(std::uint32_t ssrc) const {
  for (const auto& chunk : chunks) {
    if (chunk.ssrc != ssrc) continue;
    for (const auto& item : chunk.items) {
      if (item.type == SdesItem::kCname) return item.text;
    }
  }
  return std::nullopt;
}

Parsed<Sdes> Sdes::parse(const PacketView& view) {
  if (view.type != type::kSdes) return err("rtcp: not an SDES packet");
  ByteReader r(view.body);
  Sdes sdes;
  for (std::size_t c = 0; c < view.count; ++c) {
    SdesChunk chunk;
    const auto ssrc = r.u32();
    if (!ssrc) return err("rtcp: SDES chunk truncated");
    chunk.ssrc = *ssrc;
    while (true) {
      const auto item_type = r.u8();
      if (!item_type) return err("rtcp: SDES item list not terminated");
      if (*item_type == 0) break;
      const auto length = r.u8();
      if (!length) return err("rtcp: SDES item truncated");
      const auto text = r.bytes(*length);
      if (!text) return err("rtcp: SDES item overruns packet");
      chunk.items.push_back({*item_type, std::string(text->begin(), text->end())});
    }
    // The null item is followed by more nulls up to the next 32-bit boundary (section 6.5).
    const std::size_t misalignment = r.position() % 4;
    if (misalignment != 0 && !r.skip(4 - misalignment)) return err("rtcp: SDES chunk padding truncated");
    sdes.chunks.push_back(std::move(chunk));
  }
  return sdes;
}

Written Sdes::serialize(Bytes& out) const {
  if (chunks.size() > kMaxCount) return err("rtcp: more than 31 SDES chunks");
  for (const auto& chunk : chunks) {
    for (const auto& item : chunk.items) {
      if (item.type == 0) return err("rtcp: SDES item type 0 is the list terminator");
      if (item.text.size() > 255) return err("rtcp: SDES item longer than 255 bytes");
    }
  }
  const auto start = begin_packet(out, static_cast<std::uint8_t>(chunks.size()), type::kSdes);
  for (const auto& chunk : chunks) {
    append_be32(out, chunk.ssrc);
    for (const auto& item : chunk.items) {
      append_u8(out, item.type);
      append_u8(out, static_cast<std::uint8_t>(item.text.size()));
      out.insert(out.end(), item.text.begin(), item.text.end());
    }
    // At least one null octet, then nulls to the 32-bit boundary.
    do {
      out.push_back(0);
    } while ((out.size() - start) % 4 != 0);
  }
  return end_packet(out, start);
}

}  // namespace umbra::rtc::rtcp
