#include "archive/archive_session.h"

#include <algorithm>

namespace umbra::archive {

std::string_view archive_status_name(ArchiveStatus status) {
  switch (status) {
    case ArchiveStatus::kStarted: return "started";
    case ArchiveStatus::kStopped: return "stopped";
    case ArchiveStatus::kFailed: return "failed";
  }
  return "failed";
}

std::string_view stop_reason_name(StopReason reason) {
  switch (reason) {
    case StopReason::kRequested: return "requested";
    case StopReason::kLastStreamLeft: return "last_stream_left";
    case StopReason::kSessionEnded: return "session_ended";
    case StopReason::kStorageFailed: return "storage_failed";
    case StopReason::kInterrupted: return "interrupted";
  }
  return "interrupted";
}

std::string_view media_kind_name(MediaKind kind) {
  return kind == MediaKind::kAudio ? "audio" : "video";
}

std::string_view stream_state_name(StreamEntry::State state) {
  switch (state) {
    case StreamEntry::State::kRecording: return "recording";
    case StreamEntry::State::kRecorded: return "recorded";
    case StreamEntry::State::kNoMedia: return "no_media";
    case StreamEntry::State::kFailed: return "failed";
  }
  return "failed";
}

std::string safe_path_component(std::string_view id) {
  std::string name;
  name.reserve(id.size());
  for (const char c : id) {
    const bool safe =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    name.push_back(safe ? c : '_');
  }
  return name;
}

std::string stream_file_name(std::string_view stream_id, MediaKind kind) {
  std::string name = safe_path_component(stream_id);
  if (name.empty()) name = "stream";
  name += '-';
  name += media_kind_name(kind);
  name += ".webm";
  return name;
}

StreamEntry* ArchiveSession::find(std::string_view stream_id, MediaKind kind) {
  const auto it = std::find_if(streams_.begin(), streams_.end(), [&](const StreamEntry& e) {
    return e.stream_id == stream_id && e.kind == kind;
  });
  return it == streams_.end() ? nullptr : &*it;
}

std::optional<StreamEntry> ArchiveSession::add_stream(std::string_view stream_id, MediaKind kind) {
  if (status_ != ArchiveStatus::kStarted) return std::nullopt;
  if (kind == MediaKind::kAudio && !request_.has_audio) return std::nullopt;
  if (kind == MediaKind::kVideo && !request_.has_video) return std::nullopt;
  if (find(stream_id, kind) != nullptr) return std::nullopt;
  StreamEntry entry;
  entry.stream_id = std::string(stream_id);
  entry.kind = kind;
  entry.file = stream_file_name(stream_id, kind);
  // Two ids that sanitize to the same name (e.g. "a/b" and "a_b") must not share a file.
  for (int n = 2; std::any_of(streams_.begin(), streams_.end(),
                              [&](const StreamEntry& e) { return e.file == entry.file; });
       ++n) {
    entry.file = stream_file_name(std::string(stream_id) + "-" + std::to_string(n), kind);
  }
  streams_.push_back(entry);
  return entry;
}

bool ArchiveSession::stream_finished(std::string_view stream_id, MediaKind kind,
                                     const RecordingResult& result) {
  StreamEntry* entry = find(stream_id, kind);
  if (entry == nullptr || entry->state != StreamEntry::State::kRecording) return false;
  entry->duration = result.duration;
  if (result.first_frame_at) {
    entry->start_offset = std::max(Duration::zero(), *result.first_frame_at - started_at_);
  }
  switch (result.outcome) {
    case RecordingResult::Outcome::kRecorded: entry->state = StreamEntry::State::kRecorded; return false;
    case RecordingResult::Outcome::kNoMedia:
      entry->state = StreamEntry::State::kNoMedia;
      entry->error = result.error;
      return false;
    case RecordingResult::Outcome::kFailed: break;
  }
  entry->state = StreamEntry::State::kFailed;
  entry->error = result.error;
  if (status_ != ArchiveStatus::kStarted) return false;
  fail(StopReason::kStorageFailed, result.error);
  return true;
}

void ArchiveSession::stream_failed_to_start(std::string_view stream_id, MediaKind kind, std::string error) {
  StreamEntry* entry = find(stream_id, kind);
  if (entry == nullptr || entry->state != StreamEntry::State::kRecording) return;
  entry->state = StreamEntry::State::kFailed;
  entry->error = error;
  if (status_ == ArchiveStatus::kStarted) fail(StopReason::kStorageFailed, std::move(error));
}

void ArchiveSession::fail(StopReason reason, std::string error) {
  status_ = ArchiveStatus::kFailed;
  stop_reason_ = reason;
  error_ = std::move(error);
}

bool ArchiveSession::stop(StopReason reason, TimePoint now) {
  if (status_ != ArchiveStatus::kStarted) return false;
  status_ = ArchiveStatus::kStopped;
  stop_reason_ = reason;
  stopped_at_ = now;
  return true;
}

void ArchiveSession::interrupted() {
  for (auto& entry : streams_) {
    if (entry.state != StreamEntry::State::kRecording) continue;
    entry.state = StreamEntry::State::kFailed;
    entry.error = "the server stopped during the recording; the file plays up to about a second before that";
  }
  if (status_ == ArchiveStatus::kStarted) {
    fail(StopReason::kInterrupted,
         "the server stopped during the recording; files are kept as far as written");
  }
}

std::size_t ArchiveSession::recording_count() const {
  return static_cast<std::size_t>(std::count_if(streams_.begin(), streams_.end(), [](const StreamEntry& e) {
    return e.state == StreamEntry::State::kRecording;
  }));
}

AlwaysArchiveRule::Action AlwaysArchiveRule::stream_published(std::string_view stream_id) {
  if (std::find(streams_.begin(), streams_.end(), stream_id) != streams_.end()) return Action::kNone;
  streams_.emplace_back(stream_id);
  if (archiving_ || waiting_for_empty_) return Action::kNone;
  archiving_ = true;
  return Action::kStartArchive;
}

AlwaysArchiveRule::Action AlwaysArchiveRule::stream_unpublished(std::string_view stream_id) {
  const auto it = std::find(streams_.begin(), streams_.end(), stream_id);
  if (it == streams_.end()) return Action::kNone;
  streams_.erase(it);
  if (!streams_.empty()) return Action::kNone;
  waiting_for_empty_ = false;
  if (!archiving_) return Action::kNone;
  archiving_ = false;
  return Action::kStopArchive;
}

void AlwaysArchiveRule::archive_ended() {
  archiving_ = false;
  waiting_for_empty_ = !streams_.empty();
}

}  // namespace umbra::archive
