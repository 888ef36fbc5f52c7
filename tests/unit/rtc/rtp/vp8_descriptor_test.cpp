#include "rtc/rtp/vp8_descriptor.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace umbra::rtc::rtp {
namespace {

// The start of a real VP8 key frame: payload header bytes (P=0, show_frame) then the start code
// 9d 01 2a and the 640x480 dimensions.
const Bytes kKeyFrameStart{0x50, 0x42, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01};
// A delta frame starts with P=1.
const Bytes kDeltaFrameStart{0x31, 0x0b, 0x00};

Bytes concat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(Vp8Descriptor, DetectsKeyFrameStartWithLongPictureId) {
  // X=1 S=1 PID=0; I=1; M=1 picture id 0x1234; then the frame.
  const auto d = parse_vp8_descriptor(concat({0x90, 0x80, 0x92, 0x34}, kKeyFrameStart));
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_TRUE(d->starts_frame());
  EXPECT_TRUE(d->key_frame);
  EXPECT_EQ(d->picture_id, 0x1234);
  EXPECT_TRUE(d->long_picture_id);
  EXPECT_EQ(d->size, 4u);
}

TEST(Vp8Descriptor, DetectsDeltaFrameStart) {
  // X=1 S=1; I=1 L=1 T=1; 7-bit picture id 5; TL0PICIDX 9; TID=2 Y=1.
  const auto d = parse_vp8_descriptor(concat({0x90, 0xe0, 0x05, 0x09, 0xa0}, kDeltaFrameStart));
  ASSERT_TRUE(d.ok()) << d.error();
  EXPECT_TRUE(d->starts_frame());
  EXPECT_FALSE(d->key_frame);
  EXPECT_EQ(d->picture_id, 5);
  EXPECT_FALSE(d->long_picture_id);
  EXPECT_EQ(d->tl0_pic_idx, 9);
  EXPECT_EQ(d->temporal_id, 2);
  EXPECT_TRUE(d->layer_sync);
  EXPECT_FALSE(d->key_index);
  EXPECT_EQ(d->size, 5u);
}

TEST(Vp8Descriptor, ContinuationPacketsDoNotStartAFrame) {
  // S=0: the middle of partition 0 of a key frame; the first payload byte means nothing.
  const auto middle = parse_vp8_descriptor(Bytes{0x80, 0x80, 0x05, 0x00, 0x00});
  ASSERT_TRUE(middle.ok());
  EXPECT_FALSE(middle->starts_frame());
  // S=1 PID=1: a later partition's start is not the frame start either.
  const auto partition1 = parse_vp8_descriptor(Bytes{0x11, 0x00});
  ASSERT_TRUE(partition1.ok());
  EXPECT_FALSE(partition1->starts_frame());
}

TEST(Vp8Descriptor, WorksOnE2eeFramesWhereOnlyThePrefixIsClear) {
  // DESIGN.md section 4.7: key frame = 10 clear bytes, then the SFrame header and ciphertext.
  Bytes encrypted_key = concat({0x90, 0x80, 0x01}, kKeyFrameStart);
  encrypted_key = concat(encrypted_key, {0x1f, 0x00, 0x00, 0x01, 0x02, 0xc3, 0x7e, 0x99, 0x04});
  const auto key = parse_vp8_descriptor(encrypted_key);
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(key->starts_frame());
  EXPECT_TRUE(key->key_frame);
  // Delta frame: 3 clear bytes, then ciphertext whose first byte happens to have bit 0 clear.
  const auto delta = parse_vp8_descriptor(concat(concat({0x10}, kDeltaFrameStart), {0x1f, 0x00, 0x8a, 0x42}));
  ASSERT_TRUE(delta.ok());
  EXPECT_TRUE(delta->starts_frame());
  EXPECT_FALSE(delta->key_frame);
}

TEST(Vp8Descriptor, ReadsKeyIndexWithoutTemporalId) {
  const auto d = parse_vp8_descriptor(Bytes{0x80, 0x10, 0x1f, 0xaa});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->key_index, 0x1f);
  EXPECT_FALSE(d->temporal_id);
  EXPECT_FALSE(d->starts_frame());
}

TEST(Vp8Descriptor, RewritesPictureIdAndTl0PicIdxInPlace) {
  Bytes payload = concat({0x90, 0xc0, 0x92, 0x34, 0x09}, kDeltaFrameStart);  // I, L; M=1
  const auto d = parse_vp8_descriptor(payload);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(set_vp8_picture_id(payload, *d, 0x0abc));
  EXPECT_TRUE(set_vp8_tl0_pic_idx(payload, *d, 200));
  const auto after = parse_vp8_descriptor(payload);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->picture_id, 0x0abc);
  EXPECT_TRUE(after->long_picture_id);
  EXPECT_EQ(after->tl0_pic_idx, 200);
  EXPECT_TRUE(std::equal(kDeltaFrameStart.begin(), kDeltaFrameStart.end(), payload.begin() + 5));

  Bytes short_id = concat({0x90, 0x80, 0x05}, kDeltaFrameStart);
  const auto s = parse_vp8_descriptor(short_id);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(set_vp8_picture_id(short_id, *s, 0x1ff));  // keeps 7 bits
  EXPECT_EQ(parse_vp8_descriptor(short_id)->picture_id, 0x7f);
  EXPECT_FALSE(set_vp8_tl0_pic_idx(short_id, *s, 1));
  Bytes no_ids{0x10, 0x31};
  EXPECT_FALSE(set_vp8_picture_id(no_ids, *parse_vp8_descriptor(no_ids), 1));
}

TEST(Vp8Descriptor, RejectsTruncatedDescriptors) {
  EXPECT_FALSE(parse_vp8_descriptor(Bytes{}).ok());
  EXPECT_FALSE(parse_vp8_descriptor(Bytes{0x80}).ok());                    // X without its byte
  EXPECT_FALSE(parse_vp8_descriptor(Bytes{0x80, 0x80}).ok());              // I without picture id
  EXPECT_FALSE(parse_vp8_descriptor(Bytes{0x80, 0x80, 0x80}).ok());        // M without low byte
  EXPECT_FALSE(parse_vp8_descriptor(Bytes{0x80, 0x40}).ok());              // L without TL0PICIDX
  EXPECT_FALSE(parse_vp8_descriptor(Bytes{0x80, 0x20}).ok());              // T without TID byte
  EXPECT_FALSE(parse_vp8_descriptor(Bytes{0x90, 0x80, 0x92, 0x34}).ok());  // frame start, no frame
}

}  // namespace
}  // namespace umbra::rtc::rtp
