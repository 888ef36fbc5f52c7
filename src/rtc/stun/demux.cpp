#include "rtc/stun/demux.h"

#include "rtc/stun/message.h"

namespace umbra::rtc::stun {

DatagramKind classify_datagram(ByteSpan datagram) {
  if (datagram.empty()) return DatagramKind::kUnknown;
  const std::uint8_t b = datagram[0];
  if (b <= 3) return DatagramKind::kStun;
  if (b >= 20 && b <= 63) return DatagramKind::kDtls;
  if (b >= 128 && b <= 191) {
    if (datagram.size() < 2) return DatagramKind::kUnknown;
    const std::uint8_t second = datagram[1];
    return (second >= 192 && second <= 223) ? DatagramKind::kRtcp : DatagramKind::kRtp;
  }
  return DatagramKind::kUnknown;
}

bool is_stun(ByteSpan datagram) {
  return datagram.size() >= kHeaderSize && datagram[0] <= 3 && load_be32(datagram.data() + 4) == kMagicCookie;
}

}  // namespace umbra::rtc::stun
