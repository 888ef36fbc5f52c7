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

int opus_packet_samples(ByteSpan frame) {
  if (frame.empty()) return 0;
  const int config = frame[0] >> 3;
  int frame_samples = 0;
  if (config < 12) {  // SILK-only: 10, 20, 40, 60 ms
    constexpr int kSilk[] = {480, 960, 1920, 2880};
    frame_samples = kSilk[config % 4];
  } else if (config < 16) {  // Hybrid: 10, 20 ms
    frame_samples = config % 2 == 0 ? 480 : 960;
  } else {  // CELT-only: 2.5, 5, 10, 20 ms
    constexpr int kCelt[] = {120, 240, 480, 960};
    frame_samples = kCelt[config % 4];
  }
  int frames = 1;
  switch (frame[0] & 0x03) {
    case 0: frames = 1; break;
    case 1:
    case 2: frames = 2; break;
    default:
      if (frame.size() < 2) return 0;
      frames = frame[1] & 0x3F;
  }
  return frame_samples * frames;
}

}  // namespace umbra::archive
