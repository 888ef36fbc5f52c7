#include "router/recording_pipeline.h"

#include "router/recording_thread.h"

namespace umbra::router {

RecordingPipeline::RecordingPipeline(server::RecordingOptions options, RecordingThread& thread,
                                     RecordingHooks hooks, std::size_t backlog_limit)
    : options_(std::move(options)), thread_(thread), hooks_(std::move(hooks)), backlog_(backlog_limit) {}

void RecordingPipeline::track_added(std::uint64_t track, const std::string& producer_id,
                                    const std::string& stream_id, archive::MediaKind kind) {
  thread_.post([self = shared_from_this(), track, producer_id, stream_id, kind] {
    if (!self->session_) return;
    self->session_->add_track(track, producer_id, stream_id, kind);
    self->after_change(Clock::now());
  });
}

void RecordingPipeline::packet(std::uint64_t track, const rtc::rtp::RtpPacket& packet, TimePoint now) {
  if (!open() || !backlog_.try_reserve()) return;
  Bytes copy(packet.bytes().begin(), packet.bytes().end());
  thread_.post([self = shared_from_this(), track, copy = std::move(copy), now]() mutable {
    self->backlog_.release();
    if (!self->session_) return;
    auto parsed = rtc::rtp::RtpPacket::parse(copy);
    if (!parsed) return;
    self->session_->push(track, *parsed, now);
    self->after_change(Clock::now());
  });
}

void RecordingPipeline::track_ended(std::uint64_t track) {
  thread_.post([self = shared_from_this(), track] {
    if (!self->session_) return;
    self->session_->track_ended(track);
    self->after_change(Clock::now());
  });
}

Result<void, std::string> RecordingPipeline::start(TimePoint now) {
  auto session = RecordingSession::create(options_, now);
  if (!session) {
    close();
    return err(session.error());
  }
  session_ = std::move(*session);
  return {};
}

void RecordingPipeline::tick(TimePoint now) {
  if (!session_) return;
  if (const auto due = session_->next_timeout(); due && *due <= now) session_->poll(now);
  after_change(now);
}

void RecordingPipeline::after_change(TimePoint now) {
  if (session_->failed()) close();  // a failed archive ignores packets: stop copying them
  for (const std::string& producer : session_->key_frame_requests(now)) {
    if (hooks_.request_key_frame) hooks_.request_key_frame(producer);
  }
  if (session_->take_changed() && hooks_.changed) hooks_.changed(session_->report());
}

server::RecordingReport RecordingPipeline::report() const {
  if (session_) return session_->report();
  server::RecordingReport r;
  r.archive_id = options_.archive_id;
  r.room_id = options_.room_id;
  r.status = "failed";
  r.finished = true;
  return r;
}

server::RecordingReport RecordingPipeline::stop(archive::StopReason reason, TimePoint now) {
  close();
  if (!session_) return report();
  session_->stop(reason, now);
  (void)session_->take_changed();  // the caller delivers this report itself
  return session_->report();
}

}  // namespace umbra::router
