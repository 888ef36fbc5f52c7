// One media frame on the wire (DESIGN.md sections 4.8, 4.9):
//   prefix || SFrame header || ciphertext || tag, sealed with SFrame metadata = prefix,
// so the AAD is header || prefix and a router that edits the prefix breaks the tag.
// These are the stateless steps; KeyRing adds key choice, rotation and lazy key derivation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "common/result.h"
#include "e2ee/clear_prefix.h"
#include "e2ee/error.h"
#include "sframe/sframe.h"

namespace umbra::e2ee {

inline constexpr sframe::CipherSuite kCipherSuite = sframe::CipherSuite::kAes128GcmSha256_128;

// Size a seal output buffer with frame.size() + kMaxWireOverhead; an open output buffer with
// wire.size() (the opened frame is always shorter than the wire frame).
inline constexpr std::size_t kMaxWireOverhead = sframe::kMaxOverhead;

// Seals frame under kid, which ctx must hold, with the next counter of that kid.
Result<std::size_t, Error> seal_frame(sframe::Context& ctx, std::uint64_t kid, Codec codec, ByteSpan frame,
                                      MutableByteSpan out);
// The same at an explicit counter, for vectors and interop tools; the caller owns uniqueness.
Result<std::size_t, Error> seal_frame_with_counter(sframe::Context& ctx, std::uint64_t kid, std::uint64_t ctr,
                                                   Codec codec, ByteSpan frame, MutableByteSpan out);

// Where the parts of a received wire frame are. kNoHeader if the frame is shorter than its
// clear prefix or what follows is not an SFrame header.
struct WireLayout {
  std::size_t prefix_size = 0;
  sframe::Header header;
};
Result<WireLayout, Error> parse_wire(Codec codec, ByteSpan wire);

// Opens wire into out (prefix || plaintext). The key for the frame's KID must already be in ctx;
// the replay window there changes only once the tag verifies.
Result<std::size_t, Error> open_frame(sframe::Context& ctx, Codec codec, ByteSpan wire, MutableByteSpan out);

}  // namespace umbra::e2ee
