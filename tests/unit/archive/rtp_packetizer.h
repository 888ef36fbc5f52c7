// A small RTP packetizer for tests: VP8 frames split per RFC 7741 (descriptor with a 15-bit
// picture id, as browsers send it) and Opus frames one per packet (RFC 7587).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "common/bytes.h"
#include "rtc/rtp/header.h"

namespace umbra::archive::testing {

class TestPacketizer {
 public:
  TestPacketizer(std::uint8_t payload_type, std::uint32_t ssrc, std::uint16_t first_sequence = 1000,
                 std::uint32_t first_timestamp = 12345)
      : payload_type_(payload_type),
        ssrc_(ssrc),
        sequence_(first_sequence),
        first_timestamp_(first_timestamp) {}

  // Packets of one VP8 frame at `ticks` past the first timestamp, each at most max_payload bytes.
  std::vector<Bytes> vp8(ByteSpan frame, std::uint32_t ticks, std::size_t max_payload = 1000) {
    std::vector<Bytes> packets;
    std::size_t offset = 0;
    do {
      const std::size_t chunk = std::min(max_payload, frame.size() - offset);
      Bytes payload = {static_cast<std::uint8_t>(0x80 | (offset == 0 ? 0x10 : 0x00)), 0x80,
                       static_cast<std::uint8_t>(0x80 | ((picture_id_ >> 8) & 0x7F)),
                       static_cast<std::uint8_t>(picture_id_)};
      payload.insert(payload.end(), frame.begin() + static_cast<std::ptrdiff_t>(offset),
                     frame.begin() + static_cast<std::ptrdiff_t>(offset + chunk));
      offset += chunk;
      packets.push_back(packet(payload, ticks, offset == frame.size()));
    } while (offset < frame.size());
    picture_id_ = static_cast<std::uint16_t>((picture_id_ + 1) & 0x7FFF);
    return packets;
  }

  Bytes opus(ByteSpan frame, std::uint32_t ticks) { return packet(frame, ticks, false); }

  Bytes packet(ByteSpan payload, std::uint32_t ticks, bool marker) {
    rtc::rtp::RtpHeader header;
    header.marker = marker;
    header.payload_type = payload_type_;
    header.sequence_number = sequence_++;
    header.timestamp = first_timestamp_ + ticks;
    header.ssrc = ssrc_;
    return header.build(payload).value();
  }

 private:
  std::uint8_t payload_type_;
  std::uint32_t ssrc_;
  std::uint16_t sequence_;
  std::uint32_t first_timestamp_;
  std::uint16_t picture_id_ = 0x1234;
};

// The smallest bytes a VP8 key frame header parser accepts (RFC 6386 section 9.1): frame tag with
// P=0, start code, 320x240. Enough for the muxer, which never decodes.
inline Bytes fake_vp8_key_frame(std::size_t size = 100) {
  Bytes frame(std::max<std::size_t>(size, 10), 0x55);
  frame[0] = 0x10;  // P=0 (key frame), show_frame
  frame[3] = 0x9d;
  frame[4] = 0x01;
  frame[5] = 0x2a;
  frame[6] = 0x40;  // width 320, little-endian
  frame[7] = 0x01;
  frame[8] = 0xF0;  // height 240
  frame[9] = 0x00;
  return frame;
}

inline Bytes fake_vp8_delta_frame(std::size_t size = 50) {
  Bytes frame(std::max<std::size_t>(size, 3), 0x66);
  frame[0] = 0x11;  // P=1
  return frame;
}

}  // namespace umbra::archive::testing
