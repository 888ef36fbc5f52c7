#include "support/media_frames.h"

#include <opus.h>
#include <vpx/vp8cx.h>
#include <vpx/vpx_encoder.h>

#include <algorithm>
#include <cmath>

namespace umbra::testing {

Vp8Encoder::Vp8Encoder() : codec_(new vpx_codec_ctx_t{}), image_(new vpx_image_t{}) {
  vpx_codec_enc_cfg_t cfg;
  vpx_codec_enc_config_default(vpx_codec_vp8_cx(), &cfg, 0);
  cfg.g_w = kWidth;
  cfg.g_h = kHeight;
  cfg.g_timebase = {1, 30};
  cfg.rc_target_bitrate = 300;
  cfg.g_lag_in_frames = 0;
  cfg.kf_mode = VPX_KF_DISABLED;  // key frames only when asked, as with a real PLI
  ok_ = vpx_codec_enc_init(codec_, vpx_codec_vp8_cx(), &cfg, 0) == VPX_CODEC_OK;
  vpx_img_alloc(image_, VPX_IMG_FMT_I420, kWidth, kHeight, 16);
}

Vp8Encoder::~Vp8Encoder() {
  vpx_img_free(image_);
  if (ok_) vpx_codec_destroy(codec_);
  delete image_;
  delete codec_;
}

std::vector<std::pair<Bytes, bool>> Vp8Encoder::encode(int index, bool force_key_frame) {
  for (std::size_t y = 0; y < kHeight; ++y) {
    for (std::size_t x = 0; x < kWidth; ++x) {
      image_->planes[0][y * static_cast<std::size_t>(image_->stride[0]) + x] =
          static_cast<std::uint8_t>(x + y + static_cast<std::size_t>(index) * 4);
    }
  }
  for (int plane = 1; plane < 3; ++plane) {
    for (std::size_t y = 0; y < kHeight / 2; ++y) {
      std::fill_n(image_->planes[plane] + y * static_cast<std::size_t>(image_->stride[plane]), kWidth / 2,
                  static_cast<std::uint8_t>(128 + plane * 10));
    }
  }
  std::vector<std::pair<Bytes, bool>> frames;
  const vpx_enc_frame_flags_t flags = force_key_frame ? VPX_EFLAG_FORCE_KF : 0;
  if (vpx_codec_encode(codec_, image_, index, 1, flags, VPX_DL_REALTIME) != VPX_CODEC_OK) return frames;
  vpx_codec_iter_t iter = nullptr;
  while (const vpx_codec_cx_pkt_t* pkt = vpx_codec_get_cx_data(codec_, &iter)) {
    if (pkt->kind != VPX_CODEC_CX_FRAME_PKT) continue;
    const auto* data = static_cast<const std::uint8_t*>(pkt->data.frame.buf);
    frames.emplace_back(Bytes(data, data + pkt->data.frame.sz),
                        (pkt->data.frame.flags & VPX_FRAME_IS_KEY) != 0);
  }
  return frames;
}

OpusFrames::OpusFrames(int channels) : channels_(channels) {
  int error = 0;
  encoder_ = opus_encoder_create(48000, channels, OPUS_APPLICATION_AUDIO, &error);
}

OpusFrames::~OpusFrames() {
  opus_encoder_destroy(encoder_);
}

Bytes OpusFrames::encode(int index) {
  const auto channels = static_cast<std::size_t>(channels_);
  std::vector<opus_int16> pcm(static_cast<std::size_t>(kSamples) * channels);
  for (int i = 0; i < kSamples; ++i) {
    const double t = static_cast<double>(index * kSamples + i) / 48000.0;
    const auto v = static_cast<opus_int16>(8000.0 * std::sin(2.0 * 3.14159265358979 * 440.0 * t));
    for (std::size_t c = 0; c < channels; ++c) pcm[static_cast<std::size_t>(i) * channels + c] = v;
  }
  Bytes out(1500);
  const int n = opus_encode(encoder_, pcm.data(), kSamples, out.data(), static_cast<opus_int32>(out.size()));
  out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return out;
}

}  // namespace umbra::testing
