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

}  // namespace umbra::rtc::rtp
