#include "rtc/rtcp/common.h"

#include "common/byte_reader.h"

namespace umbra::rtc::rtcp {

Parsed<std::vector<PacketView>> parse_compound(ByteSpan data) {
  std::vector<PacketView> packets;
  ByteReader r(data);
  if (r.empty()) return err("rtcp: empty packet");
  while (!r.empty()) {
    const auto whole_start = r.position();
    const auto first = r.u8();
    const auto packet_type = r.u8();
    const auto words = r.u16();
    if (!first || !packet_type || !words) return err("rtcp: truncated header");
    if ((*first >> 6) != 2) return err("rtcp: version is not 2");
    const std::size_t body_size = 4 * std::size_t{*words};
    const auto body = r.bytes(body_size);
    if (!body) return err("rtcp: length overruns packet");
    PacketView view;
    view.count = *first & 0x1F;
    view.type = *packet_type;
    view.body = *body;
    view.bytes = data.subspan(whole_start, kHeaderSize + body_size);
    if (*first & 0x20) {
      // RFC 3550 section 6.4.1: the last octet counts the padding, itself included.
      if (body->empty()) return err("rtcp: padding bit set without padding");
      const std::size_t padding = body->back();
      if (padding == 0 || padding > body->size()) return err("rtcp: bad padding length");
      view.body = body->first(body->size() - padding);
    }
    packets.push_back(view);
  }
  return packets;
}

std::size_t begin_packet(Bytes& out, std::uint8_t count, std::uint8_t packet_type) {
  const std::size_t start = out.size();
  out.push_back(static_cast<std::uint8_t>(0x80 | (count & 0x1F)));
  out.push_back(packet_type);
  append_be16(out, 0);
  return start;
}

Written end_packet(Bytes& out, std::size_t start) {
  const std::size_t body = out.size() - start - kHeaderSize;
  const std::size_t padding = (4 - body % 4) % 4;
  if (padding != 0) {
    out.insert(out.end(), padding - 1, std::uint8_t{0});
    out.push_back(static_cast<std::uint8_t>(padding));
    out[start] |= 0x20;
  }
  const std::size_t words = (out.size() - start - kHeaderSize) / 4;
  if (words > 0xFFFF) {
    out.resize(start);
    return err("rtcp: packet too long for its length field");
  }
  store_be16(out.data() + start + 2, static_cast<std::uint16_t>(words));
  return {};
}

Parsed<FeedbackHeader> parse_feedback_header(const PacketView& view) {
  ByteReader r(view.body);
  const auto sender = r.u32();
  const auto media = r.u32();
  if (!sender || !media) return err("rtcp: feedback shorter than its SSRCs");
  return FeedbackHeader{*sender, *media, r.rest()};
}

}  // namespace umbra::rtc::rtcp
