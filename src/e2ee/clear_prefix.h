// The clear prefix (DESIGN.md section 4.7): codec bytes left unencrypted so the router and the
// browser's packetizer can still read the frame type. It is bound into the tag as SFrame metadata.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "e2ee/error.h"

namespace umbra::e2ee {

// The codecs allowed in an E2EE session in v1.
enum class Codec { kVp8, kOpus };

std::optional<Codec> parse_codec(std::string_view name);  // "vp8" or "opus"
std::string_view to_string(Codec codec);

// VP8 payload header (RFC 6386 section 9.1): bit 0 of byte 0 is 0 on a key frame, whose 10-byte
// frame tag + start code + dimensions stay clear; a delta frame keeps its 3-byte frame tag clear.
inline constexpr std::size_t kVp8KeyFramePrefix = 10;
inline constexpr std::size_t kVp8DeltaFramePrefix = 3;

// Number of leading bytes of frame that stay in the clear. The receiver applies the same rule to
// the first byte of the wire frame (the prefix is the same bytes there). A VP8 frame shorter than
// its prefix (or empty) is kMalformedFrame: the sender drops it rather than send it in the clear.
Result<std::size_t, Error> clear_prefix_size(Codec codec, ByteSpan frame);

}  // namespace umbra::e2ee
