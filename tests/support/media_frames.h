// Real encoded media for recording tests: VP8 frames from libvpx and Opus frames from libopus,
// so what the tests record is what a browser would send, and ffmpeg can decode the result.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "common/bytes.h"

struct vpx_codec_ctx;
struct vpx_image;
struct OpusEncoder;

namespace umbra::testing {

// 320x240 at 30 fps, ~300 kbit/s, real-time, no lag. Key frames only when asked for (and the first
// one), as a browser answering PLIs.
class Vp8Encoder {
 public:
  Vp8Encoder();
  ~Vp8Encoder();
  Vp8Encoder(const Vp8Encoder&) = delete;
  Vp8Encoder& operator=(const Vp8Encoder&) = delete;
  bool ok() const { return ok_; }

  // Frame `index` of a moving gradient (delta frames carry real motion): each encoded frame with
  // whether it is a key frame.
  std::vector<std::pair<Bytes, bool>> encode(int index, bool force_key_frame);

  static constexpr unsigned kWidth = 320;
  static constexpr unsigned kHeight = 240;

 private:
  vpx_codec_ctx* codec_ = nullptr;
  vpx_image* image_ = nullptr;
  bool ok_ = false;
};

// 20 ms Opus frames of a 440 Hz tone at 48 kHz.
class OpusFrames {
 public:
  explicit OpusFrames(int channels);
  ~OpusFrames();
  OpusFrames(const OpusFrames&) = delete;
  OpusFrames& operator=(const OpusFrames&) = delete;
  bool ok() const { return encoder_ != nullptr; }

  Bytes encode(int index);

  static constexpr int kSamples = 960;

 private:
  int channels_;
  OpusEncoder* encoder_ = nullptr;
};

}  // namespace umbra::testing
