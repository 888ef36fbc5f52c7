// One running archive: its directory, a StreamRecorder per recorded track, and the ArchiveSession
// those recorders report to. This is the piece the router holds per archive; it turns "a track
// was published / an RTP packet / the track left / stop" into files and an up-to-date record.
//
// A recorder that cannot write (full disk, directory gone) fails the whole archive at once: the
// other recorders are finished so their files are complete up to that moment, and failed() tells
// the caller to report archiveStopped with the session's error. Time is passed in.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/archive_session.h"
#include "archive/stream_recorder.h"

namespace umbra::archive {

class ArchiveRecorder {
 public:
  // Creates <root>/<archive id>/ (and root if needed). An uncreatable directory is an error here,
  // before the archive is reported as started.
  static Result<std::unique_ptr<ArchiveRecorder>, std::string> create(const std::string& root,
                                                                      std::string archive_id,
                                                                      ArchiveRequest request, TimePoint now,
                                                                      JitterBufferConfig jitter = {});

  // A published stream's track: recorded if the archive takes this kind. False when it is not
  // recorded (a kind not asked for, the archive stopped, or the file could not be created, which
  // fails the archive).
  bool add_track(std::string_view stream_id, MediaKind kind);

  // One decrypted RTP packet of a track; ignored for a track that is not recorded.
  void push(std::string_view stream_id, MediaKind kind, const rtc::rtp::RtpPacket& packet, TimePoint now);

  // Whether the router should ask this track's publisher for a key frame (PLI).
  bool wants_key_frame(std::string_view stream_id) const;

  void poll(TimePoint now);
  std::optional<TimePoint> next_timeout() const;

  // The track's stream left mid-archive: its file is finished.
  void track_ended(std::string_view stream_id, MediaKind kind);

  // Stops the archive and finishes every file. Idempotent.
  void stop(StopReason reason, TimePoint now);

  bool failed() const { return session_.status() == ArchiveStatus::kFailed; }
  const ArchiveSession& session() const { return session_; }
  const std::string& directory() const { return directory_; }

 private:
  struct Track {
    std::string stream_id;
    MediaKind kind;
    std::unique_ptr<StreamRecorder> recorder;  // null once finished
  };
  ArchiveRecorder(std::string directory, ArchiveSession session, JitterBufferConfig jitter)
      : directory_(std::move(directory)), session_(std::move(session)), jitter_(jitter) {}
  Track* find(std::string_view stream_id, MediaKind kind);
  void finish(Track& track);
  void finish_all();

  std::string directory_;
  ArchiveSession session_;
  JitterBufferConfig jitter_;
  std::vector<Track> tracks_;
};

}  // namespace umbra::archive
