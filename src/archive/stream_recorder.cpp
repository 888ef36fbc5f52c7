#include "archive/stream_recorder.h"

#include <filesystem>
#include <system_error>

namespace umbra::archive {
namespace {

std::int64_t clock_rate(MediaKind kind) {
  return kind == MediaKind::kVideo ? 90000 : 48000;
}

}  // namespace

Result<std::unique_ptr<StreamRecorder>, std::string> StreamRecorder::create(const std::string& path,
                                                                            MediaKind kind,
                                                                            JitterBufferConfig jitter) {
  auto writer = WebmWriter::create(path, kind);
  if (!writer) return err(writer.error());
  return std::unique_ptr<StreamRecorder>(new StreamRecorder(kind, jitter, std::move(*writer)));
}

void StreamRecorder::push(const rtc::rtp::RtpPacket& packet, TimePoint now) {
  if (failed() || finished_) return;
  jitter_.push(packet.sequence_number(), packet.bytes(), now);
  poll(now);
}

void StreamRecorder::poll(TimePoint now) {
  while (!failed() && !finished_) {
    auto released = jitter_.pop(now);
    if (!released) return;
    process(std::move(*released));
  }
}

void StreamRecorder::process(ReleasedPacket released) {
  // The jitter buffer owns a copy, so parsing in place is safe.
  const auto packet = rtc::rtp::RtpPacket::parse(released.bytes);
  if (!packet) return;  // not RTP: as good as lost, and the next packet will say so
  const bool after_loss = released.lost_before > 0 || released.discontinuity;
  const auto frame = kind_ == MediaKind::kVideo ? vp8_.push(*packet, after_loss) : opus_.push(*packet);
  if (frame) write(*frame, released.arrived);
}

std::int64_t StreamRecorder::rebase(std::uint32_t rtp_timestamp) {
  if (!started_) {
    started_ = true;
  } else {
    // RTP timestamps wrap at 32 bits; the signed difference from the last frame is the true step.
    rtp_ticks_ += static_cast<std::int32_t>(rtp_timestamp - last_rtp_timestamp_);
  }
  last_rtp_timestamp_ = rtp_timestamp;
  std::int64_t pts_ms = rtp_ticks_ * 1000 / clock_rate(kind_);
  // A publisher whose timestamps step back (or two frames within one millisecond) must not make
  // the muxer refuse the file: keep the file's timeline strictly increasing.
  if (pts_ms <= last_pts_ms_) pts_ms = last_pts_ms_ + 1;
  return pts_ms;
}

void StreamRecorder::write(const EncodedFrame& frame, TimePoint arrived) {
  const std::int64_t pts_ms = rebase(frame.rtp_timestamp);
  const std::int64_t duration_ms = kind_ == MediaKind::kAudio ? opus_packet_samples(frame.data) / 48 : 0;
  if (auto ok = writer_->write(frame.data, pts_ms, frame.key_frame, duration_ms); !ok) {
    error_ = ok.error();
    return;
  }
  last_pts_ms_ = pts_ms;
  ++frames_written_;
  if (!first_frame_at_) first_frame_at_ = arrived;
}

RecordingResult StreamRecorder::finish() {
  RecordingResult result;
  result.path = writer_->path();
  if (!finished_) {
    while (!failed()) {
      auto released = jitter_.drain();
      if (!released) break;
      process(std::move(*released));
    }
    finished_ = true;
    if (!failed() && writer_->has_media()) {
      if (auto ok = writer_->finish(); !ok) error_ = ok.error();
    } else if (!failed()) {
      (void)writer_->finish();
      std::error_code ignored;
      std::filesystem::remove(result.path, ignored);
    }
  }
  result.error = error_;
  if (failed()) {
    result.outcome = RecordingResult::Outcome::kFailed;
  } else if (frames_written_ > 0) {
    result.outcome = RecordingResult::Outcome::kRecorded;
  } else {
    result.outcome = RecordingResult::Outcome::kNoMedia;
    result.error =
        kind_ == MediaKind::kVideo ? "no media: no VP8 key frame arrived" : "no media: no audio arrived";
  }
  result.duration = std::chrono::milliseconds(std::max<std::int64_t>(last_pts_ms_, 0));
  result.first_frame_at = first_frame_at_;
  result.frames_written = frames_written_;
  result.frames_dropped = vp8_.frames_dropped();
  result.packets_lost = jitter_.stats().lost;
  return result;
}

}  // namespace umbra::archive
