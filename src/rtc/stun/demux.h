// Telling apart what arrives on the one media port (RFC 7983 section 7, RFC 5761 section 4).
// Only the first bytes are looked at: classification is a cheap routing decision made before
// any parser runs, and each parser still validates everything itself.
#pragma once

#include "common/bytes.h"

namespace umbra::rtc::stun {

enum class DatagramKind { kStun, kDtls, kRtp, kRtcp, kUnknown };

// RFC 7983: first byte 0..3 STUN, 20..63 DTLS, 128..191 RTP/RTCP. Within RTP/RTCP, RFC 5761
// section 4: a second byte of 192..223 is an RTCP packet type (SR=200 ... PSFB=206), because
// RTP payload types 64..95 (which would collide once the marker bit is set) are never used
// when RTP and RTCP share a port.
DatagramKind classify_datagram(ByteSpan datagram);

// A STUN message by its first byte, its size (at least a header) and the RFC 5389 magic
// cookie. Stricter than the first-byte rule so a stray classic-STUN (RFC 3489) packet is
// treated as unknown rather than parsed.
bool is_stun(ByteSpan datagram);

}  // namespace umbra::rtc::stun
