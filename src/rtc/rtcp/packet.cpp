#include "rtc/rtcp/packet.h"

namespace umbra::rtc::rtcp {
namespace {

template <class T>
Parsed<Packet> as_packet(Parsed<T> parsed) {
  if (!parsed) return err(parsed.error());
  return Packet(std::move(*parsed));
}

}  // namespace

UnknownPacket UnknownPacket::from(const PacketView& view) {
  return UnknownPacket{view.count, view.type, Bytes(view.body.begin(), view.body.end())};
}

Written UnknownPacket::serialize(Bytes& out) const {
  const auto start = begin_packet(out, count, type);
  out.insert(out.end(), body.begin(), body.end());
  return end_packet(out, start);
}

Parsed<Packet> parse_packet(const PacketView& view) {
  switch (view.type) {
    case type::kSenderReport: return as_packet(SenderReport::parse(view));
    case type::kReceiverReport: return as_packet(ReceiverReport::parse(view));
    case type::kSdes: return as_packet(Sdes::parse(view));
    case type::kBye: return as_packet(Bye::parse(view));
    case type::kRtpFeedback:
      if (view.count == Nack::kFormat) return as_packet(Nack::parse(view));
      if (view.count == TransportCc::kFormat) return as_packet(TransportCc::parse(view));
      break;
    case type::kPayloadFeedback:
      if (view.count == Pli::kFormat) return as_packet(Pli::parse(view));
      if (view.count == Fir::kFormat) return as_packet(Fir::parse(view));
      if (Remb::is_remb(view)) return as_packet(Remb::parse(view));
      break;
    default: break;
  }
  return Packet(UnknownPacket::from(view));
}

Parsed<std::vector<Packet>> parse_packets(ByteSpan compound) {
  const auto views = parse_compound(compound);
  if (!views) return err(views.error());
  std::vector<Packet> packets;
  packets.reserve(views->size());
  for (const auto& view : *views) {
    auto packet = parse_packet(view);
    if (!packet) return err(packet.error());
    packets.push_back(std::move(*packet));
  }
  return packets;
}

Written serialize(const Packet& packet, Bytes& out) {
  return std::visit([&out](const auto& p) { return p.serialize(out); }, packet);
}

Result<Bytes, std::string_view> serialize(std::span<const Packet> packets) {
  Bytes out;
  for (const auto& p : packets) {
    const auto written = serialize(p, out);
    if (!written) return err(written.error());
  }
  return out;
}

}  // namespace umbra::rtc::rtcp
