// One whole encoded frame taken out of RTP: what a depacketizer produces and the WebM writer takes.
#pragma once

#include <cstdint>

#include "common/bytes.h"

namespace umbra::archive {

enum class MediaKind { kAudio, kVideo };

struct EncodedFrame {
  Bytes data;
  std::uint32_t rtp_timestamp = 0;
  // Video: decodable on its own. Every Opus frame is (RFC 7587 section 4.2: one packet, one frame).
  bool key_frame = false;
};

}  // namespace umbra::archive
