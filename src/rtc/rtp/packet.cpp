#include "rtc/rtp/packet.h"

#include <algorithm>

namespace umbra::rtc::rtp {
namespace {

ExtensionProfile profile_of(std::uint16_t id) {
  if (id == kOneByteProfile) return ExtensionProfile::kOneByte;
  if ((id & 0xFFF0) == kTwoByteProfile) return ExtensionProfile::kTwoByte;
  return ExtensionProfile::kOther;
}

// Walks RFC 8285 elements, calling on(id, offset, length) with offsets relative to data.
// Returns false when an element runs past the block. on() returning true stops the walk.
template <class F>
bool walk_extensions(ExtensionProfile profile, ByteSpan data, F&& on) {
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::uint8_t b = data[pos];
    std::uint8_t id = 0;
    std::size_t length = 0;
    if (profile == ExtensionProfile::kOneByte) {
      id = static_cast<std::uint8_t>(b >> 4);
      if (id == 0) {  // padding byte (section 4.2); like libwebrtc, its length nibble is ignored
        ++pos;
        continue;
      }
      // ID 15 is reserved: "stop parsing" (section 4.2).
      if (id == 15) return true;
      length = (b & 0x0Fu) + 1u;
      pos += 1;
    } else {
      if (b == 0) {  // padding byte (section 4.3)
        ++pos;
        continue;
      }
      if (pos + 2 > data.size()) return false;
      id = b;
      length = data[pos + 1];
      pos += 2;
    }
    if (pos + length > data.size()) return false;
    if (on(id, pos, length)) return true;
    pos += length;
  }
  return true;
}

}  // namespace

Parsed<RtpPacket> RtpPacket::parse(MutableByteSpan data) {
  if (data.size() < kFixedHeaderSize) return err("rtp: shorter than fixed header");
  if ((data[0] >> 6) != 2) return err("rtp: version is not 2");
  RtpPacket p(data);
  std::size_t pos = kFixedHeaderSize + 4 * p.csrc_count();
  if (pos > data.size()) return err("rtp: CSRC list overruns packet");
  if (p.has_extension()) {
    if (pos + 4 > data.size()) return err("rtp: extension header overruns packet");
    p.extension_profile_id_ = load_be16(data.data() + pos);
    const std::size_t words = load_be16(data.data() + pos + 2);
    pos += 4;
    if (pos + 4 * words > data.size()) return err("rtp: extension block overruns packet");
    p.extension_offset_ = pos;
    p.extension_size_ = 4 * words;
    pos += p.extension_size_;
    const auto profile = p.extension_profile();
    if (profile == ExtensionProfile::kOneByte || profile == ExtensionProfile::kTwoByte) {
      if (!walk_extensions(profile, p.extension_data(), [](auto, auto, auto) { return false; })) {
        return err("rtp: header extension element overruns block");
      }
    }
  }
  p.header_size_ = pos;
  if (p.has_padding()) {
    if (data.size() == pos) return err("rtp: padding bit set without padding");
    // RFC 3550 section 5.1: the last octet counts the padding, itself included.
    p.padding_size_ = data.back();
    if (p.padding_size_ == 0 || pos + p.padding_size_ > data.size()) return err("rtp: bad padding length");
  }
  p.payload_size_ = data.size() - pos - p.padding_size_;
  return p;
}

ExtensionProfile RtpPacket::extension_profile() const {
  if (!has_extension()) return ExtensionProfile::kNone;
  return profile_of(extension_profile_id_);
}

std::optional<MutableByteSpan> RtpPacket::find_extension(std::uint8_t id) const {
  const auto profile = extension_profile();
  if (id == 0 || (profile != ExtensionProfile::kOneByte && profile != ExtensionProfile::kTwoByte)) {
    return std::nullopt;
  }
  std::optional<MutableByteSpan> found;
  const auto block = data_.subspan(extension_offset_, extension_size_);
  walk_extensions(profile, block, [&](std::uint8_t element_id, std::size_t offset, std::size_t length) {
    if (element_id != id) return false;
    found = block.subspan(offset, length);
    return true;
  });
  return found;
}

std::optional<ByteSpan> RtpPacket::extension(std::uint8_t id) const {
  const auto e = find_extension(id);
  if (!e) return std::nullopt;
  return ByteSpan(*e);
}

std::vector<ExtensionElement> RtpPacket::extensions() const {
  std::vector<ExtensionElement> out;
  const auto profile = extension_profile();
  if (profile != ExtensionProfile::kOneByte && profile != ExtensionProfile::kTwoByte) return out;
  const auto block = extension_data();
  walk_extensions(profile, block, [&](std::uint8_t id, std::size_t offset, std::size_t length) {
    out.push_back({id, block.subspan(offset, length)});
    return false;
  });
  return out;
}

bool RtpPacket::set_extension(std::uint8_t id, ByteSpan value) {
  const auto e = find_extension(id);
  if (!e || e->size() != value.size()) return false;
  std::copy(value.begin(), value.end(), e->begin());
  return true;
}

void RtpPacket::set_marker(bool marker) {
  data_[1] = static_cast<std::uint8_t>((data_[1] & 0x7F) | (marker ? 0x80 : 0x00));
}

void RtpPacket::set_payload_type(std::uint8_t payload_type) {
  data_[1] = static_cast<std::uint8_t>((data_[1] & 0x80) | (payload_type & 0x7F));
}

}  // namespace umbra::rtc::rtp
