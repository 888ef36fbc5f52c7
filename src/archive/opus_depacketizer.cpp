#include "archive/opus_depacketizer.h"

namespace umbra::archive {

std::optional<EncodedFrame> OpusDepacketizer::push(const rtc::rtp::RtpPacket& packet) {
  const auto payload = packet.payload();
  if (payload.empty()) return std::nullopt;
  return EncodedFrame{Bytes(payload.begin(), payload.end()), packet.timestamp(), true};
}

int opus_channels(ByteSpan frame) {
  if (frame.empty()) return 1;
  return (frame[0] & 0x04) != 0 ? 2 : 1;
}

}  // namespace umbra::archive
