// Reassembles VP8 frames from RTP packets (RFC 7741 section 4) for recording.
//
// Packets come in sequence order (the jitter buffer's job), with a flag saying packets were lost
// just before this one. A frame starts with S=1, PID=0 (section 4.2) and ends with the RTP marker
// bit (section 4.1); all its packets share one timestamp. A frame with a hole in it is dropped, and
// so is every frame after it until the next key frame: a delta frame decoded against a reference
// that never arrived is garbage, so a recording resumes only where a decoder could. While waiting,
// wants_key_frame() is true and the owner asks the publisher for one (PLI through the router's
// keyframe requester, which rate-limits). It starts out waiting: a recording opens on a key frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "archive/encoded_frame.h"
#include "rtc/rtp/packet.h"

namespace umbra::archive {

class Vp8Depacketizer {
 public:
  // A frame larger than this is treated as corrupt (a stream that never sets the marker bit must
  // not grow memory without bound). 4 MiB is far above any real-time VP8 frame.
  static constexpr std::size_t kMaxFrameSize = std::size_t{4} * 1024 * 1024;

  // The frame this packet completes, if any.
  std::optional<EncodedFrame> push(const rtc::rtp::RtpPacket& packet, bool after_loss);

  bool wants_key_frame() const { return waiting_for_key_frame_; }
  std::uint64_t frames_dropped() const { return frames_dropped_; }

 private:
  void drop_partial_frame();

  Bytes partial_;
  std::uint32_t partial_timestamp_ = 0;
  bool partial_key_frame_ = false;
  bool assembling_ = false;
  bool waiting_for_key_frame_ = true;
  std::uint64_t frames_dropped_ = 0;
};

// The picture size in a VP8 key frame's uncompressed header (RFC 6386 section 9.1: 3-byte frame
// tag, start code 9d 01 2a, then 14-bit width and height, little-endian, with 2 scaling bits).
// nullopt for a delta frame or a key frame without the start code.
struct Vp8PictureSize {
  std::uint16_t width = 0;
  std::uint16_t height = 0;
};
std::optional<Vp8PictureSize> vp8_key_frame_size(ByteSpan frame);

}  // namespace umbra::archive
