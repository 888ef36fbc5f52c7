#include "router/recording_session.h"

#include "router/recording_report.h"

namespace umbra::router {

Result<std::unique_ptr<RecordingSession>, std::string> RecordingSession::create(
    const server::RecordingOptions& options, TimePoint now) {
  auto recorder = archive::ArchiveRecorder::create(options.archive_root, options.archive_id,
                                                   {options.has_audio, options.has_video}, now);
  if (!recorder) return err(recorder.error());
  auto session =
      std::unique_ptr<RecordingSession>(new RecordingSession(std::move(*recorder), options.room_id));
  session->reported_ = session->signature();
  return session;
}

std::tuple<archive::ArchiveStatus, std::size_t, std::size_t> RecordingSession::signature() const {
  const auto& s = recorder_->session();
  return {s.status(), s.streams().size(), s.recording_count()};
}

bool RecordingSession::take_changed() {
  const auto now = signature();
  if (now == reported_) return false;
  reported_ = now;
  return true;
}

server::RecordingReport RecordingSession::report() const {
  return recording_report(recorder_->session(), room_id_);
}

bool RecordingSession::finished() const {
  const auto& s = recorder_->session();
  return s.status() != archive::ArchiveStatus::kStarted && s.recording_count() == 0;
}

void RecordingSession::add_track(std::uint64_t track, const std::string& producer_id,
                                 const std::string& stream_id, archive::MediaKind kind) {
  // Not recorded (a kind the archive did not ask for, a stream already recorded, the archive over):
  // its packets are ignored, like any unknown track's.
  if (!recorder_->add_track(stream_id, kind)) return;
  tracks_[track] = Track{producer_id, stream_id, kind, std::nullopt};
}

void RecordingSession::push(std::uint64_t track, const rtc::rtp::RtpPacket& packet, TimePoint now) {
  const auto it = tracks_.find(track);
  if (it == tracks_.end()) return;
  recorder_->push(it->second.stream_id, it->second.kind, packet, now);
}

void RecordingSession::track_ended(std::uint64_t track) {
  const auto it = tracks_.find(track);
  if (it == tracks_.end()) return;
  recorder_->track_ended(it->second.stream_id, it->second.kind);
  tracks_.erase(it);
}

void RecordingSession::poll(TimePoint now) {
  recorder_->poll(now);
}

std::optional<TimePoint> RecordingSession::next_timeout() const {
  return recorder_->next_timeout();
}

void RecordingSession::stop(archive::StopReason reason, TimePoint now) {
  recorder_->stop(reason, now);
  tracks_.clear();
}

std::vector<std::string> RecordingSession::key_frame_requests(TimePoint now) {
  std::vector<std::string> out;
  for (auto& [id, track] : tracks_) {
    if (track.kind != archive::MediaKind::kVideo || !recorder_->wants_key_frame(track.stream_id)) continue;
    if (track.key_frame_requested && now - *track.key_frame_requested < kKeyFrameRequestInterval) continue;
    track.key_frame_requested = now;
    out.push_back(track.producer_id);
  }
  return out;
}

}  // namespace umbra::router
