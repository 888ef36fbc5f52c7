// One archive of one room, from the worker to the disk. The worker side is the room's
// RecordingTap: it copies each media packet of a recorded producer and posts it to the recording
// thread, within a RecordingBacklog bound (beyond it the packet is dropped and counted, never
// queued). The recording thread side drives the RecordingSession: writes, polls on the tick, asks
// publishers for key frames through the worker, and reports every change of the record.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "router/recording_backlog.h"
#include "router/recording_session.h"
#include "router/recording_tap.h"

namespace umbra::router {

class RecordingThread;

// How a pipeline reaches the rest of the router; both are called on the recording thread.
struct RecordingHooks {
  std::function<void(const std::string& producer_id)> request_key_frame;  // through the room's worker
  std::function<void(const server::RecordingReport&)> changed;            // a track joined or left, a failure
};

class RecordingPipeline final : public RecordingTap, public std::enable_shared_from_this<RecordingPipeline> {
 public:
  RecordingPipeline(server::RecordingOptions options, RecordingThread& thread, RecordingHooks hooks,
                    std::size_t backlog_limit = RecordingBacklog::kDefaultLimit);

  // RecordingTap, on the room's worker thread.
  const std::string& archive_id() const override { return options_.archive_id; }
  void track_added(std::uint64_t track, const std::string& producer_id, const std::string& stream_id,
                   archive::MediaKind kind) override;
  void packet(std::uint64_t track, const rtc::rtp::RtpPacket& packet, TimePoint now) override;
  void track_ended(std::uint64_t track) override;

  // Any thread: packets are no longer wanted (the archive is stopping, or failed).
  void close() { open_.store(false, std::memory_order_relaxed); }
  bool open() const { return open_.load(std::memory_order_relaxed); }
  std::uint64_t packets_dropped() const { return backlog_.dropped(); }
  const server::RecordingOptions& options() const { return options_; }

  // The following run on the recording thread.
  // Creates the archive's directory; an error means nothing will be recorded.
  Result<void, std::string> start(TimePoint now);
  void tick(TimePoint now);
  server::RecordingReport report() const;
  // Finishes every file; the report is the final one (finished == true).
  server::RecordingReport stop(archive::StopReason reason, TimePoint now);

 private:
  void after_change(TimePoint now);

  server::RecordingOptions options_;
  RecordingThread& thread_;
  RecordingHooks hooks_;
  RecordingBacklog backlog_;
  std::atomic<bool> open_{true};
  std::unique_ptr<RecordingSession> session_;  // recording thread only; null until start()
};

}  // namespace umbra::router
