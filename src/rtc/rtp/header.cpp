#include "rtc/rtp/header.h"

#include <algorithm>

namespace umbra::rtc::rtp {

RtpHeader RtpHeader::from(const RtpPacket& packet) {
  RtpHeader h;
  h.marker = packet.marker();
  h.payload_type = packet.payload_type();
  h.sequence_number = packet.sequence_number();
  h.timestamp = packet.timestamp();
  h.ssrc = packet.ssrc();
  for (std::size_t i = 0; i < packet.csrc_count(); ++i) h.csrcs.push_back(packet.csrc(i));
  for (const auto& e : packet.extensions())
    h.extensions.push_back({e.id, Bytes(e.value.begin(), e.value.end())});
  h.two_byte_extensions = packet.extension_profile() == ExtensionProfile::kTwoByte && !h.extensions.empty();
  return h;
}

bool RtpHeader::uses_two_byte_form() const {
  if (two_byte_extensions) return true;
  return std::any_of(extensions.begin(), extensions.end(), [](const RtpExtension& e) {
    return e.id >= 15 || e.value.empty() || e.value.size() > 16;
  });
}

Result<std::size_t, std::string_view> RtpHeader::extension_block_size() const {
  if (extensions.empty()) return std::size_t{0};
  const bool two_byte = uses_two_byte_form();
  std::size_t n = 0;
  for (const auto& e : extensions) {
    if (e.id == 0) return err("rtp: extension id 0 is reserved");
    if (e.value.size() > 255) return err("rtp: extension value longer than 255 bytes");
    n += (two_byte ? 2 : 1) + e.value.size();
  }
  const std::size_t padded = (n + 3) & ~std::size_t{3};
  if (padded / 4 > 0xFFFF) return err("rtp: extension block too long");
  return 4 + padded;
}

Result<std::size_t, std::string_view> RtpHeader::serialized_size(std::size_t payload_size,
                                                                 std::uint8_t padding) const {
  if (csrcs.size() > 15) return err("rtp: more than 15 CSRCs");
  if (payload_type > 127) return err("rtp: payload type above 127");
  const auto ext = extension_block_size();
  if (!ext) return err(ext.error());
  return kFixedHeaderSize + 4 * csrcs.size() + *ext + payload_size + padding;
}

Result<std::size_t, std::string_view> RtpHeader::serialize(ByteSpan payload, MutableByteSpan out,
                                                           std::uint8_t padding) const {
  const auto size = serialized_size(payload.size(), padding);
  if (!size) return size;
  if (out.size() < *size) return err("rtp: output buffer too small");
  std::fill_n(out.begin(), *size, std::uint8_t{0});
  out[0] =
      static_cast<std::uint8_t>(0x80 | (padding ? 0x20 : 0) | (extensions.empty() ? 0 : 0x10) | csrcs.size());
  out[1] = static_cast<std::uint8_t>((marker ? 0x80 : 0) | payload_type);
  store_be16(out.data() + 2, sequence_number);
  store_be32(out.data() + 4, timestamp);
  store_be32(out.data() + 8, ssrc);
  std::size_t pos = kFixedHeaderSize;
  for (const auto csrc : csrcs) {
    store_be32(out.data() + pos, csrc);
    pos += 4;
  }
  if (!extensions.empty()) {
    const bool two_byte = uses_two_byte_form();
    const std::size_t block = *extension_block_size() - 4;
    store_be16(out.data() + pos, two_byte ? kTwoByteProfile : kOneByteProfile);
    store_be16(out.data() + pos + 2, static_cast<std::uint16_t>(block / 4));
    pos += 4;
    std::size_t at = pos;
    for (const auto& e : extensions) {
      if (two_byte) {
        out[at++] = e.id;
        out[at++] = static_cast<std::uint8_t>(e.value.size());
      } else {
        out[at++] = static_cast<std::uint8_t>((e.id << 4) | (e.value.size() - 1));
      }
      std::copy(e.value.begin(), e.value.end(), out.begin() + static_cast<std::ptrdiff_t>(at));
      at += e.value.size();
    }
    pos += block;  // the remainder is zero padding, already written
  }
  std::copy(payload.begin(), payload.end(), out.begin() + static_cast<std::ptrdiff_t>(pos));
  pos += payload.size();
  if (padding) {
    pos += padding;
    out[pos - 1] = padding;
  }
  return pos;
}

Result<Bytes, std::string_view> RtpHeader::build(ByteSpan payload, std::uint8_t padding) const {
  const auto size = serialized_size(payload.size(), padding);
  if (!size) return err(size.error());
  Bytes out(*size);
  const auto written = serialize(payload, out, padding);
  if (!written) return err(written.error());
  return out;
}

}  // namespace umbra::rtc::rtp
