// RTX retransmission packets (RFC 4588 section 4): the original packet re-sent on its own SSRC,
// payload type and sequence space, with the original sequence number (OSN) in the first two
// payload bytes. The SFU wraps cached packets to answer a consumer's NACK and unwraps what a
// publisher retransmits. Header extensions and CSRCs are carried over unchanged; RTP padding
// is dropped.
#pragma once

#include <cstdint>

#include "common/bytes.h"
#include "common/result.h"
#include "rtc/rtp/packet.h"

namespace umbra::rtc::rtp {

inline constexpr std::size_t kRtxOverhead = 2;

inline std::size_t rtx_wrapped_size(const RtpPacket& original) {
  return original.header_size() + kRtxOverhead + original.payload().size();
}

// Writes the RTX packet for `original` into out; returns its size.
Result<std::size_t, std::string_view> rtx_wrap(const RtpPacket& original, std::uint8_t rtx_payload_type,
                                               std::uint32_t rtx_ssrc, std::uint16_t rtx_sequence_number,
                                               MutableByteSpan out);

// Writes the original packet carried by `rtx` into out (out.size() >= rtx.size() is always
// enough); returns its size. An RTX packet without an OSN (e.g. a padding-only bandwidth probe)
// is an error.
Result<std::size_t, std::string_view> rtx_unwrap(const RtpPacket& rtx, std::uint8_t original_payload_type,
                                                 std::uint32_t original_ssrc, MutableByteSpan out);

}  // namespace umbra::rtc::rtp
