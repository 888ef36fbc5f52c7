#include "archive/archive_recorder.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace umbra::archive {

Result<std::unique_ptr<ArchiveRecorder>, std::string> ArchiveRecorder::create(const std::string& root,
                                                                              std::string archive_id,
                                                                              ArchiveRequest request,
                                                                              TimePoint now,
                                                                              JitterBufferConfig jitter) {
  std::string name = safe_path_component(archive_id);
  if (name.empty()) name = "archive";
  const std::filesystem::path directory = std::filesystem::path(root) / name;
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return err("cannot create the archive directory " + directory.string() + ": " + ec.message());
  return std::unique_ptr<ArchiveRecorder>(
      new ArchiveRecorder(directory.string(), ArchiveSession(std::move(archive_id), request, now), jitter));
}

ArchiveRecorder::Track* ArchiveRecorder::find(std::string_view stream_id, MediaKind kind) {
  const auto it = std::find_if(tracks_.begin(), tracks_.end(),
                               [&](const Track& t) { return t.stream_id == stream_id && t.kind == kind; });
  return it == tracks_.end() ? nullptr : &*it;
}

bool ArchiveRecorder::add_track(std::string_view stream_id, MediaKind kind) {
  const auto entry = session_.add_stream(stream_id, kind);
  if (!entry) return false;
  const std::string path = (std::filesystem::path(directory_) / entry->file).string();
  auto recorder = StreamRecorder::create(path, kind, jitter_);
  if (!recorder) {
    session_.stream_failed_to_start(stream_id, kind, recorder.error());
    finish_all();
    return false;
  }
  tracks_.push_back({std::string(stream_id), kind, std::move(*recorder)});
  return true;
}

void ArchiveRecorder::push(std::string_view stream_id, MediaKind kind, const rtc::rtp::RtpPacket& packet,
                           TimePoint now) {
  Track* track = find(stream_id, kind);
  if (track == nullptr || !track->recorder) return;
  track->recorder->push(packet, now);
  if (track->recorder->failed()) finish(*track);
}

bool ArchiveRecorder::wants_key_frame(std::string_view stream_id) const {
  return std::any_of(tracks_.begin(), tracks_.end(), [&](const Track& t) {
    return t.stream_id == stream_id && t.recorder && t.recorder->wants_key_frame();
  });
}

void ArchiveRecorder::poll(TimePoint now) {
  for (auto& track : tracks_) {
    if (!track.recorder) continue;
    track.recorder->poll(now);
    if (track.recorder->failed()) finish(track);
  }
}

std::optional<TimePoint> ArchiveRecorder::next_timeout() const {
  std::optional<TimePoint> next;
  for (const auto& track : tracks_) {
    if (!track.recorder) continue;
    const auto t = track.recorder->next_timeout();
    if (t && (!next || *t < *next)) next = t;
  }
  return next;
}

void ArchiveRecorder::track_ended(std::string_view stream_id, MediaKind kind) {
  if (Track* track = find(stream_id, kind); track != nullptr && track->recorder) finish(*track);
}

void ArchiveRecorder::finish(Track& track) {
  const RecordingResult result = track.recorder->finish();
  track.recorder.reset();
  // A storage failure fails the archive: finish the others so their files end cleanly too.
  if (session_.stream_finished(track.stream_id, track.kind, result)) finish_all();
}

void ArchiveRecorder::finish_all() {
  for (auto& track : tracks_) {
    if (track.recorder) finish(track);
  }
}

void ArchiveRecorder::stop(StopReason reason, TimePoint now) {
  session_.stop(reason, now);
  finish_all();
}

}  // namespace umbra::archive
