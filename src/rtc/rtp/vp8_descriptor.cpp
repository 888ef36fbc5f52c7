#include "rtc/rtp/vp8_descriptor.h"

#include "common/byte_reader.h"

namespace umbra::rtc::rtp {

Result<Vp8Descriptor, std::string_view> parse_vp8_descriptor(ByteSpan payload) {
  ByteReader r(payload);
  Vp8Descriptor d;
  const auto first = r.u8();
  if (!first) return err("vp8: empty payload");
  //  X R N S R PID(3)
  const bool extended = (*first & 0x80) != 0;
  d.non_reference = (*first & 0x20) != 0;
  d.start_of_partition = (*first & 0x10) != 0;
  d.partition_index = *first & 0x07;
  if (extended) {
    //  I L T K RSV(4)
    const auto x = r.u8();
    if (!x) return err("vp8: truncated extension byte");
    const bool has_picture_id = (*x & 0x80) != 0;
    const bool has_tl0 = (*x & 0x40) != 0;
    const bool has_tid = (*x & 0x20) != 0;
    const bool has_key_index = (*x & 0x10) != 0;
    if (has_picture_id) {
      d.picture_id_offset = r.position();
      const auto p = r.u8();
      if (!p) return err("vp8: truncated picture id");
      if (*p & 0x80) {  // M: 15-bit picture id
        const auto low = r.u8();
        if (!low) return err("vp8: truncated picture id");
        d.long_picture_id = true;
        d.picture_id = static_cast<std::uint16_t>(((*p & 0x7F) << 8) | *low);
      } else {
        d.picture_id = *p;
      }
    }
    if (has_tl0) {
      d.tl0_pic_idx_offset = r.position();
      const auto t = r.u8();
      if (!t) return err("vp8: truncated TL0PICIDX");
      d.tl0_pic_idx = *t;
    }
    if (has_tid || has_key_index) {
      //  TID(2) Y KEYIDX(5)
      const auto t = r.u8();
      if (!t) return err("vp8: truncated TID/KEYIDX");
      if (has_tid) {
        d.temporal_id = static_cast<std::uint8_t>(*t >> 6);
        d.layer_sync = (*t & 0x20) != 0;
      }
      if (has_key_index) d.key_index = *t & 0x1F;
    }
  }
  d.size = r.position();
  if (d.starts_frame()) {
    const auto header = r.u8();
    if (!header) return err("vp8: frame start without payload header");
    d.key_frame = (*header & 0x01) == 0;
  }
  return d;
}

bool set_vp8_picture_id(MutableByteSpan payload, const Vp8Descriptor& d, std::uint16_t picture_id) {
  if (!d.picture_id) return false;
  const std::size_t width = d.long_picture_id ? 2 : 1;
  if (d.picture_id_offset + width > payload.size()) return false;
  std::uint8_t* p = payload.data() + d.picture_id_offset;
  if (d.long_picture_id) {
    p[0] = static_cast<std::uint8_t>(0x80 | ((picture_id >> 8) & 0x7F));
    p[1] = static_cast<std::uint8_t>(picture_id);
  } else {
    p[0] = static_cast<std::uint8_t>(picture_id & 0x7F);
  }
  return true;
}

bool set_vp8_tl0_pic_idx(MutableByteSpan payload, const Vp8Descriptor& d, std::uint8_t tl0_pic_idx) {
  if (!d.tl0_pic_idx || d.tl0_pic_idx_offset >= payload.size()) return false;
  payload[d.tl0_pic_idx_offset] = tl0_pic_idx;
  return true;
}

}  // namespace umbra::rtc::rtp
