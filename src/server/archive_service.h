// Archiving, the control-plane half (issue 6, docs/archiving.md): decides whether a session may be
// archived (archive::archive_refusal), creates the archive's directory, keeps the record in SQLite
// (ArchiveStore), asks the router to record (MediaRouter::start_recording) and folds every report the
// router sends back into the record, tells the session's clients (archiveStarted / archiveStopped),
// runs archiveMode "always" (archive::AlwaysArchiveRule) from the hub's stream events, and marks
// archives that were running when the server stopped as interrupted. Single-threaded: call it from
// the control-plane thread, like the hub.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "archive/archive_session.h"
#include "common/result.h"
#include "server/archive_record.h"
#include "server/archive_store.h"
#include "server/media_router.h"
#include "server/session_record.h"
#include "server/session_store.h"

namespace umbra::server {

// A refused archive operation: `code` as in docs/rest-api.md.
struct ArchiveError {
  int status = 400;
  std::string code;
  std::string message;
};

struct ArchiveStartRequest {
  std::string session_id;
  std::string name;
  bool has_audio = true;
  bool has_video = true;
};

struct ArchiveFile {
  std::filesystem::path path;
  std::string content_type;  // video/webm | audio/webm
};

struct ArchiveCounters {
  std::uint64_t started_total = 0;
  std::uint64_t failed_total = 0;
};

class ArchiveService {
 public:
  using Clock = std::function<std::int64_t()>;  // milliseconds since the epoch
  // Sends one signaling event to every connection of a session (SignalingHub::broadcast_to_session).
  using Broadcast = std::function<void(const std::string& session_id, const nlohmann::json& event)>;

  // Takes over the router's recording updates (set_on_recording_update).
  ArchiveService(std::filesystem::path root, ArchiveStore& archives, SessionStore& sessions,
                 MediaRouter& router, Broadcast broadcast, Clock clock);
  ~ArchiveService();
  ArchiveService(const ArchiveService&) = delete;
  ArchiveService& operator=(const ArchiveService&) = delete;

  // Start-up: records still running belong to a process that is gone; they become failed,
  // "interrupted", and each file the stop cut is repaired (archive::repair_webm) so it is whole and
  // seekable, or, if it cannot be, read for what it plays. Returns how many archives. Call it before
  // the router records anything: it rewrites files in the archive root.
  std::size_t recover();
  // Graceful stop, first step: asks the router to stop every running archive with reason
  // "interrupted", so their files are finished and their final reports (durations) reach the
  // records while the control-plane loop still runs. Returns how many were asked.
  std::size_t stop_all_for_shutdown();
  // Graceful stop, last step: archives whose final report did not arrive in time are marked failed,
  // "interrupted", like recover() (the router's destructor still finishes their files).
  std::size_t shutdown();

  Result<ArchiveRecord, ArchiveError> start(const ArchiveStartRequest& request);
  // `reason` as archive::stop_reason_name. A running archive becomes "stopping" until the router's
  // final report.
  Result<ArchiveRecord, ArchiveError> stop(const std::string& archive_id, std::string_view reason);
  std::optional<ArchiveRecord> find(const std::string& archive_id);
  std::vector<ArchiveRecord> list(std::string_view session_id, std::size_t limit, std::size_t offset);
  std::size_t count(std::string_view session_id);
  // Removes an ended archive's record and its directory; a running one is archive_in_progress.
  Result<void, ArchiveError> remove(const std::string& archive_id);
  // A recorded file of the archive: only names listed in its streams, never a path.
  Result<ArchiveFile, ArchiveError> file(const std::string& archive_id, const std::string& file_name);
  // The session's running (started or stopping) archive, for `joined`.
  std::optional<ArchiveRecord> running_archive(const std::string& session_id);

  // The hub's stream events (routed streams exist once the router has their producers).
  void stream_published(const SessionRecord& session, const std::string& stream_id);
  void stream_destroyed(const SessionRecord& session, const std::string& stream_id);
  // DELETE /v1/sessions/{id}: a running archive stops with reason session_ended.
  void session_ended(const std::string& session_id);

  const ArchiveCounters& counters() const { return counters_; }
  std::size_t running_count() const { return running_by_session_.size(); }
  const std::filesystem::path& root() const { return root_; }

 private:
  struct AlwaysState {
    archive::AlwaysArchiveRule rule;
    std::string archive_id;  // the archive the rule started
  };

  // recover() and shutdown(): `repair_files` only at start-up, when no recorder can own the files.
  std::size_t mark_all_interrupted(bool repair_files);
  void on_report(const RecordingReport& report);
  void on_router_error(const std::string& archive_id, const RouterError& error, std::string_view during);
  // After a stored change: when the record just left "started", the clients hear archiveStopped;
  // when it is no longer running, the session may archive again.
  void after_change(const ArchiveRecord& archive, bool was_started);
  void ended(const ArchiveRecord& archive);

  std::filesystem::path root_;
  ArchiveStore& archives_;
  SessionStore& sessions_;
  MediaRouter& router_;
  Broadcast broadcast_;
  Clock clock_;
  std::map<std::string, std::string> running_by_session_;  // session id → running archive id
  std::map<std::string, AlwaysState> always_;              // session id → archiveMode "always" state
  ArchiveCounters counters_;
};

}  // namespace umbra::server
