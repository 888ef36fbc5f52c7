#include "rtc/rtcp/bye.h"

#include "common/byte_reader.h"

namespace umbra::rtc::rtcp {

Parsed<Bye> Bye::parse(const PacketView& view) {
  if (view.type != type::kBye) return err("rtcp: not a BYE packet");
  ByteReader r(view.body);
  Bye bye;
  for (std::size_t i = 0; i < view.count; ++i) {
    const auto ssrc = r.u32();
    if (!ssrc) return err("rtcp: BYE SSRC list overruns packet");
    bye.ssrcs.push_back(*ssrc);
  }
  if (const auto length = r.u8()) {
    const auto text = r.bytes(*length);
    if (!text) return err("rtcp: BYE reason overruns packet");
    bye.reason.assign(text->begin(), text->end());
  }
  return bye;
}

Written Bye::serialize(Bytes& out) const {
  if (ssrcs.size() > kMaxCount) return err("rtcp: more than 31 BYE SSRCs");
  if (reason.size() > 255) return err("rtcp: BYE reason longer than 255 bytes");
  const auto start = begin_packet(out, static_cast<std::uint8_t>(ssrcs.size()), type::kBye);
  for (const auto ssrc : ssrcs) append_be32(out, ssrc);
  if (!reason.empty()) {
    append_u8(out, static_cast<std::uint8_t>(reason.size()));
    out.insert(out.end(), reason.begin(), reason.end());
    while ((out.size() - start) % 4 != 0) out.push_back(0);
  }
  return end_packet(out, start);
}

}  // namespace umbra::rtc::rtcp
