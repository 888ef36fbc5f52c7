// The media router behind the control plane's MediaRouter interface (server/media_router.h).
//
// Thread-safe facade over the workers: each call is posted to the worker of the room it concerns
// and its completion is handed to `post_to_control`, which runs it on the control-plane thread
// (as the interface promises). Rooms are placed on the worker with the fewest rooms when their
// first transport is created (or their first recording starts) and stay there until that worker
// drops the room (nothing left in it): the worker asks the facade first, from its tick, and the
// facade forgets the placement in the same step unless a transport or recording for the room is
// on its way (then the room is kept for the next tick). The facade keeps only the id -> worker
// maps and the producers' RTP parameters (to describe consumers), under one mutex never held on
// the packet path; ids are forgotten when their transport closes.
//
// Recording (docs/archiving.md): one recording thread per Router writes every archive's files
// (RecordingThread). start_recording gives the room a RecordingPipeline as its tap; the room hands
// it copies of its producers' media packets, which the recording thread writes, within a bound.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "server/media_router.h"

namespace umbra::crypto {
class Certificate;
}

namespace umbra::router {

class Worker;
class RecordingPipeline;
class RecordingThread;

struct RouterOptions {
  std::string listen_ip = "127.0.0.1";
  std::uint16_t rtc_port = 7881;  // worker i listens on rtc_port + i; 0 = ephemeral ports (tests)
  unsigned workers = 1;
  std::string announced_ip;  // the address put in ICE candidates; empty = listen_ip
  std::string rtp_dump_dir;  // `--rtp-dump DIR`
  // A transport whose peer sent no valid ICE check for this long is closed and reported through
  // set_on_transport_closed (RFC 7675 section 5.1 says 30 s; tests shorten it).
  std::chrono::milliseconds consent_timeout = std::chrono::seconds(30);
  // Each worker sends a pass's datagrams with one sendmmsg; false: one sendto per datagram (kept
  // to measure the difference, docs/benchmarks.md).
  bool batch_sends = true;
};

using ControlPoster = std::function<void(std::function<void()>)>;

class Router final : public server::MediaRouter {
 public:
  // Binds every worker's socket and starts their threads; throws on a port in use.
  Router(const RouterOptions& options, const crypto::Certificate& certificate, ControlPoster post_to_control);
  ~Router() override;

  bool available() const override { return true; }
  void create_transport(const server::TransportOptions& options,
                        server::RouterCallback<server::TransportInfo> done) override;
  void connect_transport(const std::string& transport_id, const server::DtlsParameters& dtls,
                         server::RouterCallback<server::RouterDone> done) override;
  void produce(const std::string& transport_id, const server::ProduceOptions& options,
               server::RouterCallback<server::ProducerInfo> done) override;
  void consume(const std::string& transport_id, const server::ConsumeOptions& options,
               server::RouterCallback<server::ConsumerInfo> done) override;
  void set_consumer_paused(const std::string& consumer_id, bool paused) override;
  void set_consumer_preferred_layer(const std::string& consumer_id, std::size_t layer) override;
  void close_transport(const std::string& transport_id) override;
  server::RouterStats stats() const override;
  void start_recording(const server::RecordingOptions& options,
                       server::RouterCallback<server::RecordingReport> done) override;
  void stop_recording(const std::string& archive_id, const std::string& reason,
                      server::RouterCallback<server::RecordingReport> done) override;
  void set_on_recording_update(std::function<void(const server::RecordingReport&)> fn) override;

  std::vector<std::uint16_t> ports() const;
  // CPU seconds used by each worker thread so far (benchmarks).
  std::vector<double> worker_cpu_seconds() const;
  // Packets of recordings dropped because the recording thread fell behind, since start.
  std::uint64_t recording_packets_dropped() const;

  // What the facade and the workers remember (tests check that nothing outlives its session). The
  // workers' numbers are published on their tick, so they lag by up to one tick.
  struct Bookkeeping {
    std::size_t rooms = 0;                      // placed rooms
    std::vector<std::size_t> rooms_per_worker;  // placement counts, by worker index
    std::size_t transports = 0, producers = 0, consumers = 0;
    std::vector<std::uint64_t> worker_rooms;                    // rooms each worker holds
    std::uint64_t worker_transports = 0, worker_consumers = 0;  // ids the workers map
  };
  Bookkeeping bookkeeping() const;
  // Tests: runs on the worker thread while it drops an empty room, before (forgotten unset) and
  // after the facade decided, so a test can post a create_transport into exactly that window.
  void set_room_drop_probe(std::function<void(const std::string& room_id, std::optional<bool> forgotten)> fn);

  // A transport that closed on its own (consent expiry, DTLS failure or close_notify) is
  // reported here, on the control-plane thread (so is one closed by close_transport()).
  void set_on_transport_closed(
      std::function<void(const std::string& transport_id, const std::string& reason)> fn) override;
  // ICE restart (MediaRouter::restart_ice; not called by the server yet: routed sessions have no
  // ICE restart in signaling or the SDK). The answer's TransportInfo carries the new ufrag/pwd
  // (candidates and fingerprint unchanged); the worker's mux routes checks by either ufrag.
  void restart_ice(const std::string& transport_id, const std::string& remote_ufrag,
                   server::RouterCallback<server::TransportInfo> done) override;

 private:
  struct ProducerRecord {
    std::string room_id;
    std::string transport_id;
    std::string kind;
    server::RtpParameters rtp;
  };
  struct Placement {
    Worker* worker = nullptr;
    std::size_t transports = 0;  // created or on the way, not yet closed
  };
  Placement& place_room(const std::string& room_id);
  bool on_worker_room_idle(Worker* worker, const std::string& room_id);
  void on_worker_transport_closed(const std::string& id, const std::string& reason);
  void forget_transport_locked(const std::string& id);
  Worker* worker_of(const std::map<std::string, Worker*>& map, const std::string& id) const;
  template <class T>
  void complete(server::RouterCallback<T> done, server::RouterOutcome<T> outcome);
  template <class T>
  void fail(server::RouterCallback<T> done, std::string code, std::string message);
  struct Recording {
    std::string room_id;
    Worker* worker = nullptr;
    std::shared_ptr<RecordingPipeline> pipeline;
  };
  void attach_recording(Worker* worker, std::shared_ptr<RecordingPipeline> pipeline,
                        server::RouterCallback<server::RecordingReport> done);
  void report_recording(const server::RecordingReport& report);

  RouterOptions options_;
  ControlPoster post_;
  std::string fingerprint_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<RecordingThread> recording_;
  std::atomic<bool> closing_{false};  // ~Router: no more reports to the control plane

  mutable std::mutex mutex_;
  std::map<std::string, Placement> room_workers_;
  std::map<Worker*, std::size_t> rooms_per_worker_;
  std::map<std::string, Worker*> transport_workers_;
  std::map<std::string, std::string> transport_rooms_;
  std::map<std::string, Worker*> consumer_workers_;
  std::map<std::string, std::vector<std::string>> transport_consumers_;
  std::map<std::string, ProducerRecord> producers_;
  std::function<void(const std::string&, const std::string&)> on_transport_closed_;
  std::set<std::string> e2ee_rooms_;
  std::map<std::string, Recording> recordings_;  // by archive id, until stop_recording
  std::uint64_t recording_dropped_stopped_ = 0;  // drops of recordings no longer in recordings_
  std::function<void(const std::string&, std::optional<bool>)> room_drop_probe_;
  std::function<void(const server::RecordingReport&)> on_recording_update_;
};

// For server::Server::start's RouterFactory: generates this process's DTLS certificate (ECDSA
// P-256, its SHA-256 fingerprint goes into every answer), binds the workers' ports and starts
// them. A port in use or a bad address comes back as an error message, not an exception.
Result<std::unique_ptr<server::MediaRouter>, std::string> make_media_router(const RouterOptions& options,
                                                                            ControlPoster post_to_control);

}  // namespace umbra::router
