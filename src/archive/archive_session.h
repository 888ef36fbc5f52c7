// The bookkeeping of one archive, sans-IO: its status, and one entry per recorded stream with the
// file name, when the stream started relative to the archive and how long it lasted. The control
// plane owns an ArchiveSession per archive, stores its fields (SQLite) and serves them as
// GET /v1/archives/{id}; the router owns the StreamRecorders and reports each one's result here.
//
//   started --stop()--------------------> stopped
//      |  \--a stream's storage failure-> failed   (the other recorders are stopped too)
//      \----interrupted()---------------> failed   (found "started" after a server restart)
//
// Files are named after the stream and kind (stream_file_name), inside the archive's own
// directory, so a layout is <archive root>/<archive id>/<stream id>-video.webm.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/archive_policy.h"
#include "archive/encoded_frame.h"
#include "archive/stream_recorder.h"

namespace umbra::archive {

enum class ArchiveStatus { kStarted, kStopped, kFailed };
std::string_view archive_status_name(ArchiveStatus status);

enum class StopReason {
  kRequested,       // POST /v1/archives/{id}/stop
  kLastStreamLeft,  // archiveMode "always": the session has nothing left to record
  kSessionEnded,
  kStorageFailed,  // a recorder could not write (disk full, directory gone)
  kInterrupted,    // the server stopped while recording
};
std::string_view stop_reason_name(StopReason reason);

// kind names as in the REST API: "audio", "video".
std::string_view media_kind_name(MediaKind kind);

// An id as one path component: anything but [A-Za-z0-9_-] becomes '_', so an id can never name a
// path outside the directory it is meant for ("" stays "": the caller picks a default).
std::string safe_path_component(std::string_view id);

// "<stream id>-<kind>.webm", the stream id made a safe_path_component.
std::string stream_file_name(std::string_view stream_id, MediaKind kind);

struct StreamEntry {
  enum class State { kRecording, kRecorded, kNoMedia, kFailed };
  std::string stream_id;
  MediaKind kind = MediaKind::kVideo;
  std::string file;         // relative to the archive's directory
  Duration start_offset{};  // from the archive's start to the stream's first frame in its file
  Duration duration{};
  State state = State::kRecording;
  std::string error;  // kNoMedia / kFailed: why
};
std::string_view stream_state_name(StreamEntry::State state);

class ArchiveSession {
 public:
  ArchiveSession(std::string archive_id, ArchiveRequest request, TimePoint started_at)
      : id_(std::move(archive_id)), request_(request), started_at_(started_at) {}

  // A published stream's track: the entry to record it under, or nullopt when this archive does
  // not take it (stopped or failed, a kind it was not asked for, or already recorded). The router
  // then creates a StreamRecorder for <archive dir>/<entry->file>.
  std::optional<StreamEntry> add_stream(std::string_view stream_id, MediaKind kind);

  // A recorder finished (its stream left, or the archive stopped). Returns true when this failed
  // the archive: the caller stops the other recorders and reports archiveStopped.
  bool stream_finished(std::string_view stream_id, MediaKind kind, const RecordingResult& result);

  // Starting a recorder failed (e.g. the directory is not writable): the stream's entry and the
  // whole archive fail with that message.
  void stream_failed_to_start(std::string_view stream_id, MediaKind kind, std::string error);

  // Stops the archive; false when it is not started. Streams still recording keep their entries;
  // their recorders' results come in through stream_finished afterwards.
  bool stop(StopReason reason, TimePoint now);

  // A record loaded in the "started" state after a restart: the process died mid-recording. The
  // files are kept (playable as far as written); the entries still recording become failed.
  void interrupted();

  const std::string& id() const { return id_; }
  const ArchiveRequest& request() const { return request_; }
  ArchiveStatus status() const { return status_; }
  std::optional<StopReason> stop_reason() const { return stop_reason_; }
  const std::string& error() const { return error_; }
  TimePoint started_at() const { return started_at_; }
  std::optional<TimePoint> stopped_at() const { return stopped_at_; }
  const std::vector<StreamEntry>& streams() const { return streams_; }
  // Streams whose recorders have not reported yet.
  std::size_t recording_count() const;

 private:
  StreamEntry* find(std::string_view stream_id, MediaKind kind);
  void fail(StopReason reason, std::string error);

  std::string id_;
  ArchiveRequest request_;
  TimePoint started_at_;
  std::optional<TimePoint> stopped_at_;
  ArchiveStatus status_ = ArchiveStatus::kStarted;
  std::optional<StopReason> stop_reason_;
  std::string error_;
  std::vector<StreamEntry> streams_;
};

// archiveMode "always" (issue 6): an archive starts when the session's first stream is published
// and stops when its last stream leaves. Streams published while it runs join it (add_stream). An
// archive stopped for another reason (REST stop, a failure) is not restarted while streams remain;
// the next one starts when the session has emptied and someone publishes again.
class AlwaysArchiveRule {
 public:
  enum class Action { kNone, kStartArchive, kStopArchive };

  Action stream_published(std::string_view stream_id);
  Action stream_unpublished(std::string_view stream_id);
  // The archive ended for another reason, or it could not be started at all.
  void archive_ended();

  bool archiving() const { return archiving_; }
  std::size_t stream_count() const { return streams_.size(); }

 private:
  std::vector<std::string> streams_;
  bool archiving_ = false;
  bool waiting_for_empty_ = false;
};

}  // namespace umbra::archive
