#include "router/keyframe_detector.h"

#include "common/byte_reader.h"
#include "rtc/rtp/vp8_descriptor.h"

namespace umbra::router {
namespace {

constexpr std::uint8_t kNalIdr = 5;
constexpr std::uint8_t kNalSps = 7;
constexpr std::uint8_t kNalStapA = 24;
constexpr std::uint8_t kNalFuA = 28;

bool is_key_nal(std::uint8_t type) {
  return type == kNalIdr || type == kNalSps;
}

bool h264_starts_keyframe(ByteSpan payload) {
  if (payload.empty()) return false;
  const std::uint8_t type = payload[0] & 0x1F;
  if (type >= 1 && type <= 23) return is_key_nal(type);
  if (type == kNalStapA) {
    // RFC 6184 section 5.7.1: 16-bit size, then the NAL unit, repeated.
    ByteReader r(payload.subspan(1));
    while (!r.empty()) {
      const auto size = r.u16();
      if (!size || *size == 0) return false;
      const auto nal = r.bytes(*size);
      if (!nal) return false;
      if (is_key_nal((*nal)[0] & 0x1F)) return true;
    }
    return false;
  }
  if (type == kNalFuA) {
    // RFC 6184 section 5.8: FU header S bit marks the first fragment.
    return payload.size() >= 2 && (payload[1] & 0x80) != 0 && is_key_nal(payload[1] & 0x1F);
  }
  return false;
}

}  // namespace

bool starts_keyframe(KeyframeCodec codec, ByteSpan payload) {
  switch (codec) {
    case KeyframeCodec::kVp8: {
      const auto d = rtc::rtp::parse_vp8_descriptor(payload);
      return d && d->starts_frame() && d->key_frame;
    }
    case KeyframeCodec::kH264: return h264_starts_keyframe(payload);
    case KeyframeCodec::kNone: return false;
  }
  return false;
}

}  // namespace umbra::router
