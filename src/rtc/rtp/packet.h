// An RTP packet (RFC 3550 section 5.1) as a view over the caller's buffer, with header
// extensions (RFC 8285) and the in-place rewrites an SFU does per consumer: SSRC, sequence
// number, timestamp, payload type, marker, and same-length header extension values.
//
// parse() validates every length once (CSRCs, extension block and each extension element,
// padding), so the accessors afterwards need no checks. The view borrows: the buffer must
// outlive it. Building a packet from fields is RtpHeader's job (rtp/header.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace umbra::rtc::rtp {

template <class T>
using Parsed = Result<T, std::string_view>;

inline constexpr std::size_t kFixedHeaderSize = 12;
// RFC 8285 section 4.2 and 4.3.
inline constexpr std::uint16_t kOneByteProfile = 0xBEDE;
inline constexpr std::uint16_t kTwoByteProfile = 0x1000;  // low 4 bits are "appbits"

enum class ExtensionProfile { kNone, kOneByte, kTwoByte, kOther };

struct ExtensionElement {
  std::uint8_t id;
  ByteSpan value;
};

class RtpPacket {
 public:
  static Parsed<RtpPacket> parse(MutableByteSpan data);

  bool has_padding() const { return (data_[0] & 0x20) != 0; }
  bool has_extension() const { return (data_[0] & 0x10) != 0; }
  std::size_t csrc_count() const { return data_[0] & 0x0F; }
  bool marker() const { return (data_[1] & 0x80) != 0; }
  std::uint8_t payload_type() const { return data_[1] & 0x7F; }
  std::uint16_t sequence_number() const { return load_be16(data_.data() + 2); }
  std::uint32_t timestamp() const { return load_be32(data_.data() + 4); }
  std::uint32_t ssrc() const { return load_be32(data_.data() + 8); }
  std::uint32_t csrc(std::size_t i) const { return load_be32(data_.data() + kFixedHeaderSize + 4 * i); }

  // The extension block: its profile ("defined by profile" field) and its data without the
  // 4-byte extension header.
  ExtensionProfile extension_profile() const;
  std::uint16_t extension_profile_id() const { return extension_profile_id_; }
  ByteSpan extension_data() const { return ByteSpan(data_).subspan(extension_offset_, extension_size_); }

  // RFC 8285 element with this id (1..14 one-byte, 1..255 two-byte); nullopt when absent or
  // when the extension block is not an RFC 8285 one.
  std::optional<ByteSpan> extension(std::uint8_t id) const;
  // All RFC 8285 elements in wire order (empty for other profiles).
  std::vector<ExtensionElement> extensions() const;
  // Overwrites an existing element's value in place; false when absent or the length differs.
  bool set_extension(std::uint8_t id, ByteSpan value);

  // Everything up to the payload: fixed header, CSRCs, extension block.
  std::size_t header_size() const { return header_size_; }
  ByteSpan header() const { return ByteSpan(data_).first(header_size_); }
  ByteSpan payload() const { return ByteSpan(data_).subspan(header_size_, payload_size_); }
  MutableByteSpan mutable_payload() { return data_.subspan(header_size_, payload_size_); }
  std::size_t padding_size() const { return padding_size_; }
  std::size_t size() const { return data_.size(); }
  ByteSpan bytes() const { return data_; }

  void set_marker(bool marker);
  void set_payload_type(std::uint8_t payload_type);
  void set_sequence_number(std::uint16_t sequence_number) { store_be16(data_.data() + 2, sequence_number); }
  void set_timestamp(std::uint32_t timestamp) { store_be32(data_.data() + 4, timestamp); }
  void set_ssrc(std::uint32_t ssrc) { store_be32(data_.data() + 8, ssrc); }

 private:
  explicit RtpPacket(MutableByteSpan data) : data_(data) {}
  std::optional<MutableByteSpan> find_extension(std::uint8_t id) const;

  MutableByteSpan data_;
  std::size_t header_size_ = 0;
  std::size_t payload_size_ = 0;
  std::size_t padding_size_ = 0;
  std::size_t extension_offset_ = 0;
  std::size_t extension_size_ = 0;
  std::uint16_t extension_profile_id_ = 0;
};

}  // namespace umbra::rtc::rtp
