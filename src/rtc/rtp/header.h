// The fields of an RTP header as values, and its serializer: the building half of RtpPacket.
// RtpHeader::from(packet) and serialize() are symmetric, so parse -> from -> serialize gives
// back an equivalent packet (extension elements packed, their padding normalized).
#pragma once

#include <cstdint>
#include <vector>

#include "common/bytes.h"
#include "rtc/rtp/packet.h"

namespace umbra::rtc::rtp {

struct RtpExtension {
  std::uint8_t id = 0;
  Bytes value;
  bool operator==(const RtpExtension&) const = default;
};

struct RtpHeader {
  bool marker = false;
  std::uint8_t payload_type = 0;
  std::uint16_t sequence_number = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::vector<std::uint32_t> csrcs;
  std::vector<RtpExtension> extensions;
  // RFC 8285 section 4.3. The two-byte form is used anyway when an element does not fit the
  // one-byte form (id 15+, empty, or longer than 16 bytes).
  bool two_byte_extensions = false;

  bool operator==(const RtpHeader&) const = default;

  // Copies the header fields and RFC 8285 elements (an extension block of another profile is
  // not represented and is dropped).
  static RtpHeader from(const RtpPacket& packet);

  // Size of the packet serialize() writes, or an error when the header cannot be encoded
  // (more than 15 CSRCs, payload type above 127, an extension id 0 or value over 255 bytes).
  Result<std::size_t, std::string_view> serialized_size(std::size_t payload_size,
                                                        std::uint8_t padding = 0) const;
  // Writes header, payload and `padding` bytes of RTP padding (0 for none) into out.
  Result<std::size_t, std::string_view> serialize(ByteSpan payload, MutableByteSpan out,
                                                  std::uint8_t padding = 0) const;
  Result<Bytes, std::string_view> build(ByteSpan payload, std::uint8_t padding = 0) const;

 private:
  bool uses_two_byte_form() const;
  Result<std::size_t, std::string_view> extension_block_size() const;
};

}  // namespace umbra::rtc::rtp
