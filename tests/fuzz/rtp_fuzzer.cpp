// RTP parser fuzzer: arbitrary bytes must never crash RtpPacket, the VP8 descriptor parser or
// RTX; a packet that parses must rebuild (RtpHeader) into one with the same header and payload,
// and survive an RTX wrap/unwrap round trip.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "rtc/rtp/header.h"
#include "rtc/rtp/packet.h"
#include "rtc/rtp/rtx.h"
#include "rtc/rtp/vp8_descriptor.h"

using namespace umbra;
using namespace umbra::rtc::rtp;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool same_bytes(ByteSpan a, ByteSpan b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)parse_vp8_descriptor(ByteSpan(data, size));

  Bytes buffer(data, data + size);
  auto parsed = RtpPacket::parse(buffer);
  if (!parsed) return 0;
  RtpPacket& p = *parsed;
  check(p.header_size() + p.payload().size() + p.padding_size() == p.size());
  for (std::uint8_t id = 0; id < 16; ++id) (void)p.extension(id);
  if (const auto vp8 = parse_vp8_descriptor(p.payload())) {
    // A descriptor rewrite keeps it parseable and carries the new picture id (at its width).
    Bytes copy(p.payload().begin(), p.payload().end());
    if (set_vp8_picture_id(copy, *vp8, 0x1234)) {
      const auto again = parse_vp8_descriptor(copy);
      check(again.ok() && again->picture_id == (vp8->long_picture_id ? 0x1234 : 0x34));
    }
  }

  // Symmetric build: parse -> RtpHeader -> serialize -> parse gives the same header and payload.
  const RtpHeader header = RtpHeader::from(p);
  const auto rebuilt = header.build(p.payload(), static_cast<std::uint8_t>(p.padding_size()));
  check(rebuilt.ok());
  Bytes rebuilt_bytes = *rebuilt;
  const auto reparsed = RtpPacket::parse(rebuilt_bytes);
  check(reparsed.ok());
  check(RtpHeader::from(*reparsed) == header);
  check(same_bytes(reparsed->payload(), p.payload()));
  check(reparsed->padding_size() == p.padding_size());

  // RTX round trip.
  Bytes wrapped(rtx_wrapped_size(p));
  check(rtx_wrap(p, 97, 0x52545821, 4242, wrapped).ok());
  const auto rtx = RtpPacket::parse(wrapped);
  check(rtx.ok());
  Bytes unwrapped(wrapped.size());
  const auto n = rtx_unwrap(*rtx, p.payload_type(), p.ssrc(), unwrapped);
  check(n.ok());
  unwrapped.resize(*n);
  const auto original = RtpPacket::parse(unwrapped);
  check(original.ok());
  check(original->sequence_number() == p.sequence_number());
  check(original->payload_type() == p.payload_type());
  check(original->ssrc() == p.ssrc());
  check(same_bytes(original->payload(), p.payload()));

  // In-place rewrites touch only their fields.
  p.set_ssrc(1);
  p.set_sequence_number(2);
  p.set_timestamp(3);
  p.set_payload_type(100);
  check(p.ssrc() == 1 && p.sequence_number() == 2 && p.timestamp() == 3 && p.payload_type() == 100);
  check(RtpPacket::parse(buffer).ok());
  return 0;
}
