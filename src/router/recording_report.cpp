#include "router/recording_report.h"

#include <array>
#include <chrono>

namespace umbra::router {

namespace {

std::int64_t to_ms(archive::Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace

server::RecordingReport recording_report(const archive::ArchiveSession& session, const std::string& room_id) {
  server::RecordingReport report;
  report.archive_id = session.id();
  report.room_id = room_id;
  report.status = std::string(archive::archive_status_name(session.status()));
  if (const auto reason = session.stop_reason())
    report.stop_reason = std::string(archive::stop_reason_name(*reason));
  report.error = session.error();
  for (const auto& entry : session.streams()) {
    server::RecordedStream stream;
    stream.stream_id = entry.stream_id;
    stream.kind = std::string(archive::media_kind_name(entry.kind));
    stream.file = entry.file;
    stream.start_offset_ms = to_ms(entry.start_offset);
    stream.duration_ms = to_ms(entry.duration);
    stream.state = std::string(archive::stream_state_name(entry.state));
    stream.error = entry.error;
    report.streams.push_back(std::move(stream));
  }
  report.finished = session.status() != archive::ArchiveStatus::kStarted && session.recording_count() == 0;
  return report;
}

std::optional<archive::StopReason> parse_stop_reason(std::string_view name) {
  using archive::StopReason;
  constexpr std::array kReasons = {StopReason::kRequested, StopReason::kLastStreamLeft,
                                   StopReason::kSessionEnded, StopReason::kStorageFailed,
                                   StopReason::kInterrupted};
  for (const StopReason reason : kReasons) {
    if (archive::stop_reason_name(reason) == name) return reason;
  }
  return std::nullopt;
}

}  // namespace umbra::router
