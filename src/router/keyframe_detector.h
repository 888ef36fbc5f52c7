// Does this RTP packet start a keyframe? The router needs to know where a new or resumed
// subscriber can start and when a keyframe request has been answered.
//  - VP8: the RFC 7741 payload descriptor (rtc/rtp/vp8_descriptor.h), which works on E2EE frames.
//  - H.264 (RFC 6184): an IDR slice (NAL type 5) or an SPS (type 7, which an encoder sends just
//    before its IDR) alone, first in a STAP-A, or at the start of an FU-A.
// Other codecs have no detector: their consumers are not held back waiting for a keyframe.
#pragma once

#include "common/bytes.h"

namespace umbra::router {

enum class KeyframeCodec { kNone, kVp8, kH264 };

bool starts_keyframe(KeyframeCodec codec, ByteSpan payload);

}  // namespace umbra::router
