#include "server/archive_record.h"

#include <nlohmann/json.hpp>

#include "archive/archive_session.h"
#include "common/bytes.h"
#include "crypto/random.h"
#include "server/base64url.h"

namespace umbra::server {

using nlohmann::json;

namespace {

json nullable(const std::string& text) {
  return text.empty() ? json(nullptr) : json(text);
}

json stream_json(const std::string& archive_id, const RecordedStream& s) {
  return {{"streamId", s.stream_id},
          {"kind", s.kind},
          {"url", "/v1/archives/" + archive_id + "/files/" + s.file},
          {"startOffset", s.start_offset_ms},
          {"duration", s.duration_ms},
          {"state", s.state},
          {"error", nullable(s.error)}};
}

std::string text_field(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t int_field(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

}  // namespace

std::string_view archive_state_name(ArchiveState state) {
  switch (state) {
    case ArchiveState::kStarted: return "started";
    case ArchiveState::kStopping: return "stopping";
    case ArchiveState::kStopped: return "stopped";
    case ArchiveState::kFailed: return "failed";
  }
  return "failed";
}

std::optional<ArchiveState> parse_archive_state(std::string_view name) {
  for (const auto state :
       {ArchiveState::kStarted, ArchiveState::kStopping, ArchiveState::kStopped, ArchiveState::kFailed}) {
    if (archive_state_name(state) == name) return state;
  }
  return std::nullopt;
}

const RecordedStream* ArchiveRecord::stream_with_file(std::string_view file) const {
  for (const auto& s : streams) {
    if (!s.file.empty() && s.file == file) return &s;
  }
  return nullptr;
}

std::string new_archive_id() {
  Bytes raw(16);
  crypto::random_bytes(raw);
  return "arc_" + base64url_encode(raw);
}

json archive_json(const ArchiveRecord& archive, bool with_streams) {
  json out = {{"id", archive.id},
              {"sessionId", archive.session_id},
              {"name", archive.name},
              {"hasAudio", archive.has_audio},
              {"hasVideo", archive.has_video},
              {"outputMode", "individual"},
              {"status", archive_state_name(archive.state)},
              {"reason", nullable(archive.reason)},
              {"error", nullable(archive.error)},
              {"createdAt", archive.created_at_ms},
              {"stoppedAt", archive.stopped_at_ms ? json(*archive.stopped_at_ms) : json(nullptr)}};
  if (with_streams) {
    json streams = json::array();
    for (const auto& s : archive.streams) streams.push_back(stream_json(archive.id, s));
    out["streams"] = std::move(streams);
  }
  return out;
}

std::string streams_to_column(const std::vector<RecordedStream>& streams) {
  json out = json::array();
  for (const auto& s : streams) {
    out.push_back({{"streamId", s.stream_id},
                   {"kind", s.kind},
                   {"file", s.file},
                   {"startOffset", s.start_offset_ms},
                   {"duration", s.duration_ms},
                   {"state", s.state},
                   {"error", s.error}});
  }
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::vector<RecordedStream> streams_from_column(std::string_view text) {
  std::vector<RecordedStream> out;
  const auto parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array()) return out;
  for (const auto& item : parsed) {
    if (!item.is_object()) continue;
    RecordedStream s;
    s.stream_id = text_field(item, "streamId");
    s.kind = text_field(item, "kind");
    s.file = text_field(item, "file");
    s.start_offset_ms = int_field(item, "startOffset");
    s.duration_ms = int_field(item, "duration");
    s.state = text_field(item, "state");
    s.error = text_field(item, "error");
    out.push_back(std::move(s));
  }
  return out;
}

bool apply_report(ArchiveRecord& archive, const RecordingReport& report, std::int64_t now_ms) {
  const bool was_running = archive.running();
  // The router's list is the whole truth about its files; an empty list never erases what we knew.
  if (!report.streams.empty() || archive.streams.empty()) archive.streams = report.streams;
  if (!was_running) return false;  // an ended record stays as it ended (e.g. interrupted)
  if (report.status == "failed") {
    archive.state = ArchiveState::kFailed;
    archive.reason = report.stop_reason.empty()
                         ? std::string(archive::stop_reason_name(archive::StopReason::kStorageFailed))
                         : report.stop_reason;
    archive.error = report.error.empty() ? std::string("the router reported a failure") : report.error;
  } else if (report.status == "stopped") {
    if (!report.stop_reason.empty()) archive.reason = report.stop_reason;
    archive.state = report.finished ? ArchiveState::kStopped : ArchiveState::kStopping;
  } else {
    return false;  // still started (or stopping, if a stop was asked)
  }
  if (!archive.stopped_at_ms) archive.stopped_at_ms = now_ms;
  return !archive.running();
}

bool mark_interrupted(ArchiveRecord& archive, std::int64_t now_ms) {
  if (!archive.running()) return false;
  archive.state = ArchiveState::kFailed;
  archive.reason = std::string(archive::stop_reason_name(archive::StopReason::kInterrupted));
  archive.error = std::string(kInterruptedMessage);
  if (!archive.stopped_at_ms) archive.stopped_at_ms = now_ms;
  for (auto& s : archive.streams) {
    if (s.state != "recording") continue;
    s.state = "failed";
    s.error = std::string(kInterruptedMessage);
  }
  return true;
}

namespace {

// Tenths of a second, without floating point: 12345 ms -> "12.3".
std::string tenths(std::int64_t ms) {
  return std::to_string(ms / 1000) + "." + std::to_string(ms % 1000 / 100);
}

}  // namespace

void apply_interrupted_file(RecordedStream& stream, const InterruptedFile& file) {
  stream.state = "failed";
  if (!file.exists) {
    stream.duration_ms = 0;
    stream.error = "interrupted: the file is missing (nothing was written before the server stopped)";
  } else if (!file.readable) {
    stream.duration_ms = 0;
    stream.error = "interrupted: the file holds nothing playable (" + file.why + ")";
  } else if (file.packets == 0) {
    stream.duration_ms = 0;
    stream.error = "interrupted: the file holds nothing playable (no frame was written)";
  } else {
    stream.duration_ms = file.duration_ms;
    stream.error = "interrupted: the file plays " + tenths(file.duration_ms) +
                   " s from the start but has no seek index or duration; remux it to seek (ffmpeg -i "
                   "in.webm -c copy out.webm)" +
                   (file.why.empty() ? std::string() : " (the repair failed: " + file.why + ")");
  }
}

void apply_repaired_file(RecordedStream& stream, std::int64_t duration_ms) {
  stream.state = "recorded";
  stream.duration_ms = duration_ms;
  stream.error = "interrupted: cut by a server stop and repaired; the file plays " + tenths(duration_ms) +
                 " s with its duration and seek index (what had not reached the disk when the server "
                 "stopped is lost)";
}

}  // namespace umbra::server
