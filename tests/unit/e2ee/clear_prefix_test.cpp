#include "e2ee/clear_prefix.h"

#include <gtest/gtest.h>

namespace umbra::e2ee {
namespace {

TEST(ClearPrefix, KeepsTenBytesOfAVp8KeyFrame) {
  const Bytes frame(50, 0x00);  // bit 0 of byte 0 clear: key frame
  const auto prefix = clear_prefix_size(Codec::kVp8, frame);
  ASSERT_TRUE(prefix);
  EXPECT_EQ(*prefix, 10u);
}

TEST(ClearPrefix, KeepsThreeBytesOfAVp8DeltaFrame) {
  Bytes frame(50, 0x00);
  frame[0] = 0x01;
  const auto prefix = clear_prefix_size(Codec::kVp8, frame);
  ASSERT_TRUE(prefix);
  EXPECT_EQ(*prefix, 3u);
}

TEST(ClearPrefix, AcceptsAVp8FrameExactlyAsLongAsItsPrefix) {
  EXPECT_TRUE(clear_prefix_size(Codec::kVp8, Bytes{0x31, 0xf1, 0x00}));
  EXPECT_TRUE(clear_prefix_size(Codec::kVp8, Bytes(10, 0x50)));
}

TEST(ClearPrefix, RefusesVp8FramesShorterThanTheirPrefix) {
  for (const Bytes& frame : {Bytes{}, Bytes{0x31}, Bytes{0x31, 0xf1}, Bytes(9, 0x50)}) {
    const auto prefix = clear_prefix_size(Codec::kVp8, frame);
    ASSERT_FALSE(prefix);
    EXPECT_EQ(prefix.error(), Error::kMalformedFrame);
  }
}

TEST(ClearPrefix, EncryptsAllOfAnOpusFrameEvenAnEmptyOne) {
  for (const Bytes& frame : {Bytes{}, Bytes{0x78, 0x01}}) {
    const auto prefix = clear_prefix_size(Codec::kOpus, frame);
    ASSERT_TRUE(prefix);
    EXPECT_EQ(*prefix, 0u);
  }
}

TEST(Codec, ParsesOnlyTheCodecsAllowedInV1) {
  EXPECT_EQ(parse_codec("vp8"), Codec::kVp8);
  EXPECT_EQ(parse_codec("opus"), Codec::kOpus);
  EXPECT_FALSE(parse_codec("h264"));
  EXPECT_FALSE(parse_codec("VP9"));
}

}  // namespace
}  // namespace umbra::e2ee
