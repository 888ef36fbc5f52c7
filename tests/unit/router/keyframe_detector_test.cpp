#include "router/keyframe_detector.h"

#include <gtest/gtest.h>

namespace umbra::router {
namespace {

TEST(KeyframeDetector, FindsAVp8KeyFrameStart) {
  EXPECT_TRUE(starts_keyframe(KeyframeCodec::kVp8, Bytes{0x10, 0x50, 0x01}));
  EXPECT_FALSE(starts_keyframe(KeyframeCodec::kVp8, Bytes{0x10, 0x51, 0x01})) << "delta frame";
  EXPECT_FALSE(starts_keyframe(KeyframeCodec::kVp8, Bytes{0x00, 0x50, 0x01})) << "not the first packet";
}

TEST(KeyframeDetector, FindsH264IdrAndSpsInEveryPacketization) {
  EXPECT_TRUE(starts_keyframe(KeyframeCodec::kH264, Bytes{0x65, 0x88}));   // single IDR
  EXPECT_TRUE(starts_keyframe(KeyframeCodec::kH264, Bytes{0x67, 0x42}));   // single SPS
  EXPECT_FALSE(starts_keyframe(KeyframeCodec::kH264, Bytes{0x41, 0x9a}));  // non-IDR slice
  EXPECT_TRUE(starts_keyframe(KeyframeCodec::kH264, Bytes{0x18, 0, 2, 0x67, 0x42, 0, 1, 0x68}));  // STAP-A
  EXPECT_FALSE(starts_keyframe(KeyframeCodec::kH264, Bytes{0x18, 0, 2, 0x06, 0x05}));  // STAP-A of SEI
  EXPECT_TRUE(starts_keyframe(KeyframeCodec::kH264, Bytes{0x7c, 0x85, 0x88}));         // FU-A start, IDR
  EXPECT_FALSE(starts_keyframe(KeyframeCodec::kH264, Bytes{0x7c, 0x05, 0x88}));        // FU-A middle
}

TEST(KeyframeDetector, RejectsTruncatedStapA) {
  EXPECT_FALSE(starts_keyframe(KeyframeCodec::kH264, Bytes{0x18, 0, 9, 0x67}));
  EXPECT_FALSE(starts_keyframe(KeyframeCodec::kH264, Bytes{0x18, 0}));
  EXPECT_FALSE(starts_keyframe(KeyframeCodec::kH264, Bytes{}));
}

TEST(KeyframeDetector, HasNoOpinionWithoutACodec) {
  EXPECT_FALSE(starts_keyframe(KeyframeCodec::kNone, Bytes{0x10, 0x50}));
}

}  // namespace
}  // namespace umbra::router
