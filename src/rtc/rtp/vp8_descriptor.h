// The VP8 RTP payload descriptor (RFC 7741 section 4.2) and the one bit of the VP8 payload
// header (section 4.3) the SFU needs: is this packet the start of a key frame.
//
// Under E2EE (DESIGN.md section 4.7) a frame's first 10 (key) or 3 (delta) bytes stay in the
// clear; the descriptor is RTP payload framing and is never encrypted, and byte 0 of the frame,
// which holds the P (inverse key frame) bit, is inside both prefixes. So this parser reads
// nothing past that byte and works the same on plain and encrypted frames.
#pragma once

#include <cstdint>
#include <optional>

#include "common/bytes.h"
#include "common/result.h"

namespace umbra::rtc::rtp {

struct Vp8Descriptor {
  bool non_reference = false;               // N
  bool start_of_partition = false;          // S
  std::uint8_t partition_index = 0;         // PID
  std::optional<std::uint16_t> picture_id;  // 7 or 15 bits
  bool long_picture_id = false;             // M: picture_id is 15 bits
  std::optional<std::uint8_t> tl0_pic_idx;
  std::optional<std::uint8_t> temporal_id;  // TID
  bool layer_sync = false;                  // Y
  std::optional<std::uint8_t> key_index;    // KEYIDX
  std::size_t size = 0;                     // descriptor bytes before the VP8 payload
  // Only meaningful when starts_frame(): P bit of the payload header is 0 (section 4.3).
  bool key_frame = false;

  // Where picture_id and tl0_pic_idx sit in the payload, for the in-place rewrites below.
  std::size_t picture_id_offset = 0;
  std::size_t tl0_pic_idx_offset = 0;

  // The first packet of a frame starts partition 0 (section 4.2, S and PID).
  bool starts_frame() const { return start_of_partition && partition_index == 0; }
};

// Parses the descriptor at the start of an RTP payload. A frame-starting packet must carry at
// least one byte of VP8 payload after the descriptor.
Result<Vp8Descriptor, std::string_view> parse_vp8_descriptor(ByteSpan payload);

// In-place rewrites for an SFU that switches a consumer between simulcast streams and must keep
// picture ids and TL0PICIDX continuous. `d` is the descriptor parsed from this payload. The
// picture id keeps its width (7 or 15 bits, the value is truncated to it); false when the field
// is absent.
bool set_vp8_picture_id(MutableByteSpan payload, const Vp8Descriptor& d, std::uint16_t picture_id);
bool set_vp8_tl0_pic_idx(MutableByteSpan payload, const Vp8Descriptor& d, std::uint8_t tl0_pic_idx);

}  // namespace umbra::rtc::rtp
