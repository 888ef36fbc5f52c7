#include "archive/vp8_depacketizer.h"

#include "rtc/rtp/vp8_descriptor.h"

namespace umbra::archive {

void Vp8Depacketizer::drop_partial_frame() {
  if (assembling_) ++frames_dropped_;
  partial_.clear();
  assembling_ = false;
  waiting_for_key_frame_ = true;
}

std::optional<EncodedFrame> Vp8Depacketizer::push(const rtc::rtp::RtpPacket& packet, bool after_loss) {
  // A lost packet belonged to this frame or to a whole frame in between; either way the decoder's
  // references are broken until the next key frame.
  if (after_loss) drop_partial_frame();
  // A padding-only packet (bandwidth probing on the media SSRC when RTX is not negotiated) takes a
  // sequence number but belongs to no frame.
  if (packet.payload().empty()) return std::nullopt;

  const auto descriptor = rtc::rtp::parse_vp8_descriptor(packet.payload());
  if (!descriptor) {
    drop_partial_frame();
    return std::nullopt;
  }
  const auto vp8 = packet.payload().subspan(descriptor->size);

  if (descriptor->starts_frame()) {
    // The previous frame never saw its marker bit: its end is missing.
    if (assembling_) drop_partial_frame();
    assembling_ = true;
    partial_.clear();
    partial_timestamp_ = packet.timestamp();
    partial_key_frame_ = descriptor->key_frame;
  } else if (!assembling_) {
    // The middle of a frame whose start we never saw (joined mid-frame, or its start was lost and
    // already accounted for).
    return std::nullopt;
  } else if (packet.timestamp() != partial_timestamp_) {
    drop_partial_frame();
    return std::nullopt;
  }

  if (partial_.size() + vp8.size() > kMaxFrameSize) {
    drop_partial_frame();
    return std::nullopt;
  }
  partial_.insert(partial_.end(), vp8.begin(), vp8.end());
  if (!packet.marker()) return std::nullopt;

  assembling_ = false;
  EncodedFrame frame{std::move(partial_), partial_timestamp_, partial_key_frame_};
  partial_ = {};
  if (frame.key_frame && !vp8_key_frame_size(frame.data)) frame.key_frame = false;  // not really one
  if (waiting_for_key_frame_ && !frame.key_frame) {
    ++frames_dropped_;
    return std::nullopt;
  }
  waiting_for_key_frame_ = false;
  return frame;
}

std::optional<Vp8PictureSize> vp8_key_frame_size(ByteSpan frame) {
  constexpr std::size_t kHeaderSize = 10;
  if (frame.size() < kHeaderSize) return std::nullopt;
  if ((frame[0] & 0x01) != 0) return std::nullopt;  // P bit: inter frame
  if (frame[3] != 0x9d || frame[4] != 0x01 || frame[5] != 0x2a) return std::nullopt;
  const auto width = static_cast<std::uint16_t>((frame[6] | (frame[7] << 8)) & 0x3FFF);
  const auto height = static_cast<std::uint16_t>((frame[8] | (frame[9] << 8)) & 0x3FFF);
  if (width == 0 || height == 0) return std::nullopt;
  return Vp8PictureSize{width, height};
}

}  // namespace umbra::archive
