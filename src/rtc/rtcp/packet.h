// Any RTCP packet as a value, and whole compound packets: parse_packets() splits and decodes a
// compound, serialize() writes a list back. Types the router does not interpret (APP, XR, other
// feedback formats) are kept as UnknownPacket so relaying them loses nothing.
#pragma once

#include <span>
#include <variant>
#include <vector>

#include "rtc/rtcp/bye.h"
#include "rtc/rtcp/common.h"
#include "rtc/rtcp/fir.h"
#include "rtc/rtcp/nack.h"
#include "rtc/rtcp/pli.h"
#include "rtc/rtcp/receiver_report.h"
#include "rtc/rtcp/remb.h"
#include "rtc/rtcp/sdes.h"
#include "rtc/rtcp/sender_report.h"
#include "rtc/rtcp/transport_cc.h"

namespace umbra::rtc::rtcp {

struct UnknownPacket {
  std::uint8_t count = 0;  // the 5-bit RC/SC/FMT field
  std::uint8_t type = 0;
  Bytes body;  // without header and padding

  bool operator==(const UnknownPacket&) const = default;

  static UnknownPacket from(const PacketView& view);
  Written serialize(Bytes& out) const;
};

using Packet =
    std::variant<SenderReport, ReceiverReport, Sdes, Bye, Nack, Pli, Fir, Remb, TransportCc, UnknownPacket>;

// Decodes one packet of a compound by its type (and FMT for feedback).
Parsed<Packet> parse_packet(const PacketView& view);
// Splits and decodes a compound; any malformed packet fails the whole compound.
Parsed<std::vector<Packet>> parse_packets(ByteSpan compound);

Written serialize(const Packet& packet, Bytes& out);
Result<Bytes, std::string_view> serialize(std::span<const Packet> packets);

}  // namespace umbra::rtc::rtcp
