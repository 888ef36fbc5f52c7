#include "server/archive_service.h"

#include <nlohmann/json.hpp>

#include <memory>
#include <system_error>

#include "archive/archive_policy.h"
#include "archive/webm_probe.h"
#include "archive/webm_repair.h"
#include "common/log.h"

namespace umbra::server {

using nlohmann::json;

namespace {

std::string reason_name(archive::StopReason reason) {
  return std::string(archive::stop_reason_name(reason));
}

ArchiveError not_found() {
  return ArchiveError{404, "archive_not_found", "no archive with that id"};
}

// Settles an interrupted entry from its file. At start-up (`repair`) the file is rewritten whole
// (archive::repair_webm: stream copy with duration and cues, atomic rename); if that fails, or at a
// graceful stop where the router may still be writing the file, it is only read
// (archive::probe_webm) for what it really plays. Returns true when the file was repaired.
bool settle_interrupted(const std::filesystem::path& root, const std::string& archive_id,
                        RecordedStream& stream, bool repair) {
  InterruptedFile found;
  // Only a plain file name inside the archive's own directory, as for downloads.
  const auto dot = stream.file.rfind('.');
  const std::string stem = dot == std::string::npos ? std::string() : stream.file.substr(0, dot);
  const bool plain = !stem.empty() && stream.file.compare(dot, std::string::npos, ".webm") == 0 &&
                     archive::safe_path_component(stem) == stem;
  const auto path = root / archive::safe_path_component(archive_id) / stream.file;
  std::error_code ec;
  found.exists = plain && std::filesystem::is_regular_file(path, ec);
  std::string repair_error;
  if (found.exists && repair) {
    const auto repaired = archive::repair_webm(path.string());
    if (repaired.ok()) {
      apply_repaired_file(stream, repaired->duration_ms);
      log::info("archive", "interrupted file repaired",
                {{"archive", archive_id},
                 {"file", stream.file},
                 {"packets", std::to_string(repaired->packets)},
                 {"duration_ms", std::to_string(repaired->duration_ms)},
                 {"dropped", std::to_string(repaired->dropped)},
                 {"note", repaired->why}});
      return true;
    }
    repair_error = repaired.error();
  }
  if (found.exists) {
    const auto probe = archive::probe_webm(path.string());
    found.readable = probe.ok();
    if (probe.ok()) {
      found.duration_ms = probe->duration_ms;
      found.packets = probe->packets;
      found.why = repair_error;
    } else {
      found.why = probe.error();
    }
  }
  apply_interrupted_file(stream, found);
  log::warn("archive", "interrupted file not repaired",
            {{"archive", archive_id},
             {"file", stream.file},
             {"duration_ms", std::to_string(stream.duration_ms)},
             {"error", stream.error}});
  return false;
}

}  // namespace

ArchiveService::ArchiveService(std::filesystem::path root, ArchiveStore& archives, SessionStore& sessions,
                               MediaRouter& router, Broadcast broadcast, Clock clock)
    : root_(std::move(root)),
      archives_(archives),
      sessions_(sessions),
      router_(router),
      broadcast_(std::move(broadcast)),
      clock_(std::move(clock)) {
  router_.set_on_recording_update([this](const RecordingReport& report) { on_report(report); });
}

ArchiveService::~ArchiveService() {
  router_.set_on_recording_update({});
}

std::size_t ArchiveService::recover() {
  return mark_all_interrupted(true);
}

std::size_t ArchiveService::mark_all_interrupted(bool repair_files) {
  std::size_t n = 0;
  for (auto& archive : archives_.running()) {
    std::vector<std::size_t> cut;  // the entries the crash cut: still "recording"
    for (std::size_t i = 0; i < archive.streams.size(); ++i) {
      if (archive.streams[i].state == "recording") cut.push_back(i);
    }
    if (!mark_interrupted(archive, clock_())) continue;
    std::size_t repaired = 0;
    for (const auto i : cut) {
      if (settle_interrupted(root_, archive.id, archive.streams[i], repair_files)) ++repaired;
    }
    if (!cut.empty() && repaired == cut.size()) archive.error = std::string(kInterruptedRepairedMessage);
    if (const auto saved = archives_.update(archive); !saved) {
      log::error("archive", "cannot mark interrupted", {{"archive", archive.id}, {"error", saved.error()}});
      continue;
    }
    log::warn("archive", "interrupted by a server stop",
              {{"archive", archive.id}, {"session", archive.session_id}});
    ++n;
  }
  return n;
}

std::size_t ArchiveService::stop_all_for_shutdown() {
  std::vector<std::string> running;
  for (const auto& [session, archive_id] : running_by_session_) running.push_back(archive_id);
  std::size_t n = 0;
  for (const auto& id : running) {
    if (stop(id, archive::stop_reason_name(archive::StopReason::kInterrupted))) ++n;
  }
  return n;
}

std::size_t ArchiveService::shutdown() {
  running_by_session_.clear();
  // The router's destructor may still be finishing these files: read them, never rewrite them.
  return mark_all_interrupted(false);
}

Result<ArchiveRecord, ArchiveError> ArchiveService::start(const ArchiveStartRequest& request) {
  const auto session = sessions_.find(request.session_id);
  if (!session) return err(ArchiveError{404, "session_not_found", "no session with that id"});
  const archive::SessionTraits traits{session->e2ee, session->media_mode == MediaMode::kRouted};
  const archive::ArchiveRequest wanted{request.has_audio, request.has_video};
  if (const auto refusal =
          archive::archive_refusal(traits, wanted, running_by_session_.contains(request.session_id))) {
    return err(ArchiveError{refusal->http_status, std::string(refusal->code), std::string(refusal->message)});
  }
  if (!router_.available()) {
    return err(ArchiveError{503, "router_unavailable", kRouterUnavailableMessage});
  }

  ArchiveRecord record;
  record.id = new_archive_id();
  record.session_id = session->id;
  record.name = request.name;
  record.has_audio = request.has_audio;
  record.has_video = request.has_video;
  record.created_at_ms = clock_();
  // Created here, before anything counts as started: an unwritable root is an answer, not a record.
  const auto dir = root_ / record.id;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec || !std::filesystem::is_directory(dir)) {
    const std::string why = ec ? ec.message() : std::string("not a directory");
    log::error("archive", "cannot create the archive directory", {{"dir", dir.string()}, {"error", why}});
    return err(ArchiveError{500, "storage_unavailable",
                            "cannot create archive directory " + dir.string() + ": " + why});
  }
  if (const auto stored = archives_.insert(record); !stored) {
    std::filesystem::remove_all(dir, ec);
    log::error("archive", "cannot store the archive", {{"archive", record.id}, {"error", stored.error()}});
    return err(ArchiveError{500, "storage_error", "the archive record could not be stored"});
  }
  running_by_session_[record.session_id] = record.id;
  ++counters_.started_total;
  log::info("archive", "started",
            {{"archive", record.id}, {"session", record.session_id}, {"dir", dir.string()}});
  broadcast_(record.session_id, {{"type", "archiveStarted"}, {"archive", archive_json(record, false)}});

  // A router may answer from inside the call (the unavailable one does); that failure is the answer.
  auto sync_error = std::make_shared<std::optional<RouterError>>();
  auto returned = std::make_shared<bool>(false);
  RecordingOptions options{record.session_id, record.id, root_.string(), record.has_audio, record.has_video};
  const std::string id = record.id;
  router_.start_recording(options, [this, id, sync_error, returned](RouterOutcome<RecordingReport> outcome) {
    if (outcome.value) return on_report(*outcome.value);
    if (!*returned) *sync_error = outcome.error;
    on_router_error(id, outcome.error, "start");
  });
  *returned = true;
  if (*sync_error) {
    const auto& e = **sync_error;
    const bool unavailable = e.code == "router_unavailable";
    return err(ArchiveError{unavailable ? 503 : 502, e.code.empty() ? "router_error" : e.code, e.message});
  }
  auto now = archives_.find(id);
  if (!now) return err(ArchiveError{500, "storage_error", "the archive record vanished"});
  return *now;
}

Result<ArchiveRecord, ArchiveError> ArchiveService::stop(const std::string& archive_id,
                                                         std::string_view reason) {
  auto record = archives_.find(archive_id);
  if (!record) return err(not_found());
  if (!record->running()) {
    return err(ArchiveError{409, "archive_not_running",
                            "this archive is " + std::string(archive_state_name(record->state))});
  }
  if (record->state == ArchiveState::kStopping) return *record;  // already asked; the router is finishing
  const ArchiveState before = record->state;
  record->state = ArchiveState::kStopping;
  record->reason = std::string(reason);
  record->stopped_at_ms = clock_();
  if (const auto saved = archives_.update(*record); !saved) {
    log::error("archive", "cannot store the stop", {{"archive", archive_id}, {"error", saved.error()}});
  }
  after_change(*record, before == ArchiveState::kStarted);
  log::info("archive", "stopping", {{"archive", archive_id}, {"reason", reason}});
  router_.stop_recording(archive_id, std::string(reason),
                         [this, archive_id](RouterOutcome<RecordingReport> outcome) {
                           if (outcome.value) return on_report(*outcome.value);
                           on_router_error(archive_id, outcome.error, "stop");
                         });
  auto now = archives_.find(archive_id);
  if (!now) return err(not_found());
  return *now;
}

std::optional<ArchiveRecord> ArchiveService::find(const std::string& archive_id) {
  return archives_.find(archive_id);
}

std::vector<ArchiveRecord> ArchiveService::list(std::string_view session_id, std::size_t limit,
                                                std::size_t offset) {
  return archives_.list(session_id, limit, offset);
}

std::size_t ArchiveService::count(std::string_view session_id) {
  return archives_.count(session_id);
}

Result<void, ArchiveError> ArchiveService::remove(const std::string& archive_id) {
  const auto record = archives_.find(archive_id);
  if (!record) return err(not_found());
  if (record->running()) {
    return err(ArchiveError{409, "archive_in_progress", "this archive is still recording; stop it first"});
  }
  const auto dir = root_ / archive::safe_path_component(record->id);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (ec) {
    // The record stays so the files are not orphaned silently.
    log::error("archive", "cannot delete files", {{"archive", archive_id}, {"error", ec.message()}});
    return err(ArchiveError{500, "storage_error", "cannot delete " + dir.string() + ": " + ec.message()});
  }
  archives_.remove(archive_id);
  log::info("archive", "deleted", {{"archive", archive_id}});
  return {};
}

Result<ArchiveFile, ArchiveError> ArchiveService::file(const std::string& archive_id,
                                                       const std::string& file_name) {
  const auto record = archives_.find(archive_id);
  if (!record) return err(not_found());
  const RecordedStream* stream = record->stream_with_file(file_name);
  // Only a name the router reported, and only as "<one safe path component>.webm": "..", "a/b" or an
  // escaped slash never match, whatever a report said.
  const auto dot = file_name.rfind('.');
  const std::string stem = dot == std::string::npos ? std::string() : file_name.substr(0, dot);
  const bool simple = !stem.empty() && file_name.compare(dot, std::string::npos, ".webm") == 0 &&
                      archive::safe_path_component(stem) == stem;
  if (stream == nullptr || !simple) {
    return err(ArchiveError{404, "file_not_found", "no such file in this archive"});
  }
  const auto path = root_ / record->id / file_name;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return err(
        ArchiveError{404, "file_not_found",
                     "the file is not on disk" + (stream->error.empty() ? "" : " (" + stream->error + ")")});
  }
  return ArchiveFile{path, stream->kind == "audio" ? "audio/webm" : "video/webm"};
}

std::optional<ArchiveRecord> ArchiveService::running_archive(const std::string& session_id) {
  const auto it = running_by_session_.find(session_id);
  if (it == running_by_session_.end()) return std::nullopt;
  return archives_.find(it->second);
}

// ---- archiveMode "always" -------------------------------------------------------------------------------

void ArchiveService::stream_published(const SessionRecord& session, const std::string& stream_id) {
  if (session.archive_mode != ArchiveMode::kAlways) return;
  auto& state = always_[session.id];
  if (state.rule.stream_published(stream_id) != archive::AlwaysArchiveRule::Action::kStartArchive) return;
  auto started = start({session.id, "auto", true, true});
  if (!started) {
    log::warn("archive", "automatic archive not started",
              {{"session", session.id}, {"code", started.error().code}, {"why", started.error().message}});
    state.rule.archive_ended();
    return;
  }
  if (started->running()) {
    state.archive_id = started->id;
  } else {
    state.rule.archive_ended();
  }
}

void ArchiveService::stream_destroyed(const SessionRecord& session, const std::string& stream_id) {
  const auto it = always_.find(session.id);
  if (it == always_.end()) return;
  if (it->second.rule.stream_unpublished(stream_id) == archive::AlwaysArchiveRule::Action::kStopArchive) {
    const std::string archive_id = std::exchange(it->second.archive_id, std::string());
    if (!archive_id.empty()) (void)stop(archive_id, reason_name(archive::StopReason::kLastStreamLeft));
  }
  if (it->second.rule.stream_count() == 0 && !it->second.rule.archiving()) always_.erase(session.id);
}

void ArchiveService::session_ended(const std::string& session_id) {
  always_.erase(session_id);
  const auto it = running_by_session_.find(session_id);
  if (it == running_by_session_.end()) return;
  (void)stop(it->second, reason_name(archive::StopReason::kSessionEnded));
}

// ---- router reports ---------------------------------------------------------------------------------------

void ArchiveService::on_report(const RecordingReport& report) {
  auto record = archives_.find(report.archive_id);
  if (!record) {
    log::warn("archive", "report for an unknown archive", {{"archive", report.archive_id}});
    return;
  }
  const ArchiveState before = record->state;
  apply_report(*record, report, clock_());
  if (const auto saved = archives_.update(*record); !saved) {
    log::error("archive", "cannot store a report", {{"archive", record->id}, {"error", saved.error()}});
  }
  after_change(*record, before == ArchiveState::kStarted);
}

void ArchiveService::on_router_error(const std::string& archive_id, const RouterError& error,
                                     std::string_view during) {
  log::warn("archive", "router refused",
            {{"archive", archive_id}, {"during", during}, {"code", error.code}, {"why", error.message}});
  auto record = archives_.find(archive_id);
  if (!record || !record->running()) return;
  const ArchiveState before = record->state;
  record->state = ArchiveState::kFailed;
  record->error = error.message.empty() ? "the media router failed (" + error.code + ")" : error.message;
  // The router's storage refusals (e.g. "archive_storage_failed": a file cannot be created) are the
  // same story as a file failing later; other refusals leave the reason null and say it in `error`.
  if (error.code.find("storage") != std::string::npos) {
    record->reason = reason_name(archive::StopReason::kStorageFailed);
  }
  if (!record->stopped_at_ms) record->stopped_at_ms = clock_();
  for (auto& s : record->streams) {
    if (s.state == "recording") {
      s.state = "failed";
      s.error = record->error;
    }
  }
  if (const auto saved = archives_.update(*record); !saved) {
    log::error("archive", "cannot store a failure", {{"archive", archive_id}, {"error", saved.error()}});
  }
  after_change(*record, before == ArchiveState::kStarted);
}

void ArchiveService::after_change(const ArchiveRecord& archive, bool was_started) {
  if (was_started && archive.state != ArchiveState::kStarted) {
    broadcast_(archive.session_id, {{"type", "archiveStopped"}, {"archive", archive_json(archive, false)}});
  }
  if (!archive.running()) ended(archive);
}

void ArchiveService::ended(const ArchiveRecord& archive) {
  const auto it = running_by_session_.find(archive.session_id);
  if (it == running_by_session_.end() || it->second != archive.id) return;  // already ended
  running_by_session_.erase(it);
  if (archive.state == ArchiveState::kFailed) ++counters_.failed_total;
  log::info("archive", "ended",
            {{"archive", archive.id},
             {"status", archive_state_name(archive.state)},
             {"reason", archive.reason},
             {"error", archive.error}});
  const auto always = always_.find(archive.session_id);
  if (always != always_.end() && always->second.archive_id == archive.id) {
    always->second.archive_id.clear();
    always->second.rule.archive_ended();
  }
}

}  // namespace umbra::server
