// RTCP framing shared by every packet type: the common header (RFC 3550 section 6.4.1),
// splitting a compound packet with every length checked, and the writer helpers the
// per-type serializers use. Each packet type lives in its own file pair and has a symmetric
// `static parse(const PacketView&)` / `serialize(Bytes& out)`; rtcp/packet.h ties them together.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace umbra::rtc::rtcp {

template <class T>
using Parsed = Result<T, std::string_view>;
using Written = Result<void, std::string_view>;

namespace type {
inline constexpr std::uint8_t kSenderReport = 200;
inline constexpr std::uint8_t kReceiverReport = 201;
inline constexpr std::uint8_t kSdes = 202;
inline constexpr std::uint8_t kBye = 203;
inline constexpr std::uint8_t kApp = 204;
inline constexpr std::uint8_t kRtpFeedback = 205;      // RFC 4585 RTPFB
inline constexpr std::uint8_t kPayloadFeedback = 206;  // RFC 4585 PSFB
}  // namespace type

inline constexpr std::size_t kHeaderSize = 4;
inline constexpr std::size_t kMaxCount = 31;  // the 5-bit RC/SC/FMT field

// One packet of a compound: header fields and the body that follows the 4-byte header, with
// RTP-style padding (P bit) already removed.
struct PacketView {
  std::uint8_t count = 0;  // RC, SC or FMT depending on the type
  std::uint8_t type = 0;
  ByteSpan body;
  ByteSpan bytes;  // the whole packet, header and padding included
};

// Splits a compound packet. Every packet must have version 2 and a length that fits; padding
// must be at least one byte and fit in the packet. The RFC 3550 rule that a compound starts with
// SR/RR is not enforced: RFC 5506 reduced-size RTCP (feedback alone) is what browsers send.
Parsed<std::vector<PacketView>> parse_compound(ByteSpan data);

// Writer helpers: begin_packet() appends a header with a placeholder length and returns its
// offset; end_packet() pads the body to 32 bits (setting P and the count byte when padding is
// needed) and fills in the length, failing when the packet is too long for its 16-bit length.
std::size_t begin_packet(Bytes& out, std::uint8_t count, std::uint8_t type);
Written end_packet(Bytes& out, std::size_t start);

inline void append_u8(Bytes& out, std::uint8_t v) {
  out.push_back(v);
}
inline void append_be16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
inline void append_be24(Bytes& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 16));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}
inline void append_be32(Bytes& out, std::uint32_t v) {
  append_be16(out, static_cast<std::uint16_t>(v >> 16));
  append_be16(out, static_cast<std::uint16_t>(v));
}

// The two SSRCs every RFC 4585 feedback message starts with (section 6.1), then the FCI.
struct FeedbackHeader {
  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;
  ByteSpan fci;
};
Parsed<FeedbackHeader> parse_feedback_header(const PacketView& view);

}  // namespace umbra::rtc::rtcp
