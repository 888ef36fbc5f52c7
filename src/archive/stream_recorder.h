// Records one published stream (VP8 video or Opus audio) to one WebM file: the router hands it
// every decrypted RTP packet of the stream, it reorders them (JitterBuffer), rebuilds frames
// (Vp8Depacketizer / OpusDepacketizer) and writes them (WebmWriter).
//
// Timestamps come from RTP (90 kHz video, 48 kHz audio, RFC 7741 section 4.1 and RFC 7587
// section 4.1), rebased so the file starts at 0 ms, and kept strictly increasing. When the stream
// began relative to the archive is the caller's to record (first_frame_at), not baked into the
// file: each stream's file plays on its own, and a player lines them up with the start offsets.
//
// Sans-IO apart from the file itself: the time is passed in. Failures never throw: the recorder
// becomes failed, keeps the message, and ignores the rest of the stream.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "archive/encoded_frame.h"
#include "archive/jitter_buffer.h"
#include "archive/opus_depacketizer.h"
#include "archive/vp8_depacketizer.h"
#include "archive/webm_writer.h"
#include "rtc/rtp/packet.h"

namespace umbra::archive {

struct RecordingResult {
  enum class Outcome {
    kRecorded,  // a playable file at `path`
    kNoMedia,   // nothing decodable arrived (e.g. no key frame); no file is left behind
    kFailed,    // `error` says why; what was written before the failure stays at `path`
  };
  Outcome outcome = Outcome::kNoMedia;
  std::string path;
  std::string error;
  Duration duration{};  // timestamp of the last frame written
  // When the first frame written arrived (its last packet): where the file's 0 ms sits on the
  // archive's timeline. Arrival, not release from the jitter buffer, so the hold does not count.
  std::optional<TimePoint> first_frame_at;
  std::uint64_t frames_written = 0;
  std::uint64_t frames_dropped = 0;  // incomplete, or waiting for a key frame
  std::uint64_t packets_lost = 0;
};

class StreamRecorder {
 public:
  static Result<std::unique_ptr<StreamRecorder>, std::string> create(const std::string& path, MediaKind kind,
                                                                     JitterBufferConfig jitter = {});

  // One RTP packet of the stream, SRTP already removed. Copied; the caller keeps its buffer.
  void push(const rtc::rtp::RtpPacket& packet, TimePoint now);

  // Writes what the jitter buffer has held long enough. push() does this too; call it at
  // next_timeout() so the tail of a gap does not wait for the next packet.
  void poll(TimePoint now);
  std::optional<TimePoint> next_timeout() const { return failed() ? std::nullopt : jitter_.next_timeout(); }

  // Video only: the recording waits for a key frame (at the start, and after a loss). The router
  // asks the publisher for one (PLI) while this is true.
  bool wants_key_frame() const { return kind_ == MediaKind::kVideo && !failed() && vp8_.wants_key_frame(); }

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  // The stream ended or the archive stopped: writes everything held and closes the file.
  RecordingResult finish();

 private:
  StreamRecorder(MediaKind kind, JitterBufferConfig jitter, std::unique_ptr<WebmWriter> writer)
      : kind_(kind), jitter_(jitter), writer_(std::move(writer)) {}
  void process(ReleasedPacket released);
  void write(const EncodedFrame& frame, TimePoint arrived);
  std::int64_t rebase(std::uint32_t rtp_timestamp);

  MediaKind kind_;
  JitterBuffer jitter_;
  Vp8Depacketizer vp8_;
  OpusDepacketizer opus_;
  std::unique_ptr<WebmWriter> writer_;
  std::string error_;
  bool finished_ = false;

  bool started_ = false;
  std::uint32_t last_rtp_timestamp_ = 0;
  std::int64_t rtp_ticks_ = 0;  // unwrapped, from the first frame written
  std::int64_t last_pts_ms_ = -1;
  std::optional<TimePoint> first_frame_at_;
  std::uint64_t frames_written_ = 0;
};

}  // namespace umbra::archive
