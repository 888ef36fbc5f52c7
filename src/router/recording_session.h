// One archive of one room, as the recording thread runs it: the ArchiveRecorder writing the
// files, the room's producers mapped to its tracks, the key frame requests owed to publishers and
// whether the record changed since the control plane last heard of it. Sans-IO: time is passed in,
// requests and reports come out for the caller (RecordingPipeline) to deliver.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "archive/archive_recorder.h"
#include "common/result.h"
#include "router/clock.h"
#include "server/media_router.h"

namespace umbra::router {

class RecordingSession {
 public:
  // How often one producer may be asked for a key frame from here: the KeyframeRequester merges
  // and rate-limits the PLIs themselves; this only keeps the recording thread from posting a
  // request to the worker for every packet while it waits.
  static constexpr Duration kKeyFrameRequestInterval = std::chrono::milliseconds(250);

  // Creates <archive_root>/<archive_id>/; its error (e.g. permission denied) when it cannot.
  static Result<std::unique_ptr<RecordingSession>, std::string> create(
      const server::RecordingOptions& options, TimePoint now);

  void add_track(std::uint64_t track, const std::string& producer_id, const std::string& stream_id,
                 archive::MediaKind kind);
  void push(std::uint64_t track, const rtc::rtp::RtpPacket& packet, TimePoint now);
  void track_ended(std::uint64_t track);
  void poll(TimePoint now);
  std::optional<TimePoint> next_timeout() const;
  void stop(archive::StopReason reason, TimePoint now);

  // Producers to ask for a key frame now (video tracks whose file waits for one).
  std::vector<std::string> key_frame_requests(TimePoint now);

  // Whether the record changed (a track added or finished, the archive failed or stopped) since
  // the last call; the caller then sends report().
  bool take_changed();
  server::RecordingReport report() const;
  bool failed() const { return recorder_->failed(); }
  bool finished() const;

 private:
  struct Track {
    std::string producer_id;
    std::string stream_id;
    archive::MediaKind kind;
    std::optional<TimePoint> key_frame_requested;
  };
  RecordingSession(std::unique_ptr<archive::ArchiveRecorder> recorder, std::string room_id)
      : recorder_(std::move(recorder)), room_id_(std::move(room_id)) {}
  // What take_changed compares: the status, how many entries, how many still recording.
  std::tuple<archive::ArchiveStatus, std::size_t, std::size_t> signature() const;

  std::unique_ptr<archive::ArchiveRecorder> recorder_;
  std::string room_id_;
  std::map<std::uint64_t, Track> tracks_;
  std::tuple<archive::ArchiveStatus, std::size_t, std::size_t> reported_;
};

}  // namespace umbra::router
