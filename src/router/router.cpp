#include "router/router.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "crypto/certificate.h"
#include "crypto/random.h"
#include "router/recording_pipeline.h"
#include "router/recording_report.h"
#include "router/recording_thread.h"
#include "router/worker.h"

namespace umbra::router {

using namespace umbra::server;

namespace {

std::string random_id(std::string_view prefix) {
  char buf[17];
  (void)std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(crypto::random_u64()));
  return std::string(prefix) + buf;
}

std::uint32_t random_ssrc() {
  return static_cast<std::uint32_t>(crypto::random_u64()) | 1u;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// RFC 8445 section 5.1.2.1 for our single host candidate (type preference 126).
constexpr std::uint32_t kHostPriority = (126u << 24) | (65535u << 8) | 255u;

}  // namespace

Router::Router(const RouterOptions& options, const crypto::Certificate& certificate,
               ControlPoster post_to_control)
    : options_(options), post_(std::move(post_to_control)) {
  auto dtls = std::make_shared<const rtc::dtls::DtlsContext>(certificate);
  fingerprint_ = dtls->fingerprint_sha256();
  const unsigned n = std::max(1u, options.workers);
  for (unsigned i = 0; i < n; ++i) {
    WorkerOptions wo;
    wo.listen_ip = options.listen_ip;
    wo.port = options.rtc_port == 0 ? 0 : static_cast<std::uint16_t>(options.rtc_port + i);
    wo.rtp_dump_dir = options.rtp_dump_dir;
    wo.consent_timeout = options.consent_timeout;
    wo.batch_sends = options.batch_sends;
    workers_.push_back(std::make_unique<Worker>(static_cast<int>(i), wo, dtls));
  }
  recording_ = std::make_unique<RecordingThread>();
  for (auto& w : workers_) {
    w->set_on_transport_closed(
        [this](const std::string& id, const std::string& reason) { on_worker_transport_closed(id, reason); });
    w->set_on_room_idle([this, worker = w.get()](const std::string& room_id) {
      return on_worker_room_idle(worker, room_id);
    });
    w->start();
  }
}

Router::~Router() {
  closing_ = true;
  // Workers first: once they are stopped no packet can join a recording's queue. Then every
  // recording still running is finished (trailers written) behind the packets already queued.
  for (auto& w : workers_) w->stop();
  std::vector<std::shared_ptr<RecordingPipeline>> running;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, r] : recordings_) running.push_back(r.pipeline);
    recordings_.clear();
  }
  recording_->stop([running = std::move(running)] {
    for (const auto& p : running) (void)p->stop(archive::StopReason::kInterrupted, Clock::now());
  });
}

std::vector<std::uint16_t> Router::ports() const {
  std::vector<std::uint16_t> out;
  for (const auto& w : workers_) out.push_back(w->port());
  return out;
}

std::vector<double> Router::worker_cpu_seconds() const {
  std::vector<double> out;
  for (const auto& w : workers_) out.push_back(w->cpu_seconds());
  return out;
}

template <class T>
void Router::complete(RouterCallback<T> done, RouterOutcome<T> outcome) {
  // A Router being destroyed answers nothing more: the control plane is shutting it down.
  if (!done || closing_) return;
  post_([done = std::move(done), outcome = std::move(outcome)]() mutable { done(std::move(outcome)); });
}

template <class T>
void Router::fail(RouterCallback<T> done, std::string code, std::string message) {
  complete(std::move(done), RouterOutcome<T>{std::nullopt, RouterError{std::move(code), std::move(message)}});
}

Router::Placement& Router::place_room(const std::string& room_id) {
  const auto it = room_workers_.find(room_id);
  if (it != room_workers_.end()) return it->second;
  Worker* best = workers_.front().get();
  for (const auto& w : workers_) {
    if (rooms_per_worker_[w.get()] < rooms_per_worker_[best]) best = w.get();
  }
  ++rooms_per_worker_[best];
  return room_workers_[room_id] = Placement{best, 0};
}

bool Router::on_worker_room_idle(Worker* worker, const std::string& room_id) {
  // On the worker's tick, the room empty there. Deciding and forgetting under the one mutex is
  // what keeps a racing create_transport right: either it registered its transport first (the
  // room is kept, and the transport's creation is queued behind this tick on this thread), or it
  // comes after and places the room afresh (on this worker, its creation runs after the drop).
  std::function<void(const std::string&, std::optional<bool>)> probe;
  {
    std::lock_guard lock(mutex_);
    probe = room_drop_probe_;
  }
  if (probe) probe(room_id, std::nullopt);
  bool forgotten = false;
  bool drop = true;
  {
    std::lock_guard lock(mutex_);
    const auto it = room_workers_.find(room_id);
    // Placed elsewhere (or not at all): a leftover of an earlier placement, nothing to forget.
    if (it != room_workers_.end() && it->second.worker == worker) {
      const bool recording = std::any_of(recordings_.begin(), recordings_.end(),
                                         [&](const auto& r) { return r.second.room_id == room_id; });
      if (it->second.transports > 0 || recording) {
        drop = false;
      } else {
        --rooms_per_worker_[worker];
        room_workers_.erase(it);
        e2ee_rooms_.erase(room_id);
        forgotten = true;
      }
    }
  }
  if (probe) probe(room_id, forgotten);
  return drop;
}

Worker* Router::worker_of(const std::map<std::string, Worker*>& map, const std::string& id) const {
  const auto it = map.find(id);
  return it == map.end() ? nullptr : it->second;
}

void Router::create_transport(const TransportOptions& options, RouterCallback<TransportInfo> done) {
  const std::string id = random_id("tr-");
  Worker* worker = nullptr;
  {
    std::lock_guard lock(mutex_);
    Placement& placement = place_room(options.room_id);
    ++placement.transports;
    worker = placement.worker;
    if (options.e2ee) e2ee_rooms_.insert(options.room_id);
    transport_workers_[id] = worker;
    transport_rooms_[id] = options.room_id;
  }
  const std::string ip = options_.announced_ip.empty() ? options_.listen_ip : options_.announced_ip;
  worker->post([this, worker, id, room_id = options.room_id, ip, done = std::move(done)]() mutable {
    WebRtcTransport& t = worker->create_transport(room_id, id);
    TransportInfo info;
    info.transport_id = id;
    info.ice_ufrag = t.ice_credentials().ufrag;
    info.ice_pwd = t.ice_credentials().pwd;
    info.candidates.push_back({"1", ip, worker->port(), "udp", kHostPriority, "host"});
    info.fingerprints.push_back({"sha-256", fingerprint_});
    complete(std::move(done), RouterOutcome<TransportInfo>{std::move(info), {}});
  });
}

void Router::connect_transport(const std::string& transport_id, const DtlsParameters& dtls,
                               RouterCallback<RouterDone> done) {
  Worker* worker = nullptr;
  {
    std::lock_guard lock(mutex_);
    worker = worker_of(transport_workers_, transport_id);
  }
  if (worker == nullptr) return fail(std::move(done), "transport_not_found", "no transport " + transport_id);
  // The router is always the DTLS server (a=setup:passive); the peer must be the client.
  if (dtls.role == "server") {
    return fail(std::move(done), "dtls_role_unsupported", "the router is always the DTLS server");
  }
  const auto fp = std::find_if(dtls.fingerprints.begin(), dtls.fingerprints.end(),
                               [](const DtlsFingerprint& f) { return lower(f.algorithm) == "sha-256"; });
  const DtlsFingerprint* chosen = fp != dtls.fingerprints.end() ? &*fp
                                  : dtls.fingerprints.empty()   ? nullptr
                                                                : &dtls.fingerprints.front();
  if (chosen == nullptr) return fail(std::move(done), "dtls_fingerprint_missing", "no DTLS fingerprint");
  worker->post([this, worker, transport_id, alg = lower(chosen->algorithm), value = chosen->value,
                done = std::move(done)]() mutable {
    Room* room = worker->room_of_transport(transport_id);
    WebRtcTransport* t = room != nullptr ? room->transport(transport_id) : nullptr;
    if (t == nullptr) return fail(std::move(done), "transport_not_found", "transport closed");
    auto connected = t->connect(alg, value, Clock::now());
    if (!connected) return fail(std::move(done), "dtls_parameters_invalid", connected.error());
    complete(std::move(done), RouterOutcome<RouterDone>{RouterDone{}, {}});
  });
}

void Router::produce(const std::string& transport_id, const ProduceOptions& options,
                     RouterCallback<ProducerInfo> done) {
  if (options.rtp.codecs.empty()) return fail(std::move(done), "codec_unsupported", "no codec");
  const bool named = !options.rtp.encodings.empty() &&
                     std::all_of(options.rtp.encodings.begin(), options.rtp.encodings.end(),
                                 [](const RtpEncoding& e) { return e.ssrc != 0 || !e.rid.empty(); });
  if (!named) {
    return fail(std::move(done), "ssrc_required", "the router needs each stream's SSRC or simulcast rid");
  }
  const RtpCodec& codec = options.rtp.codecs.front();
  const RtpEncoding& encoding = options.rtp.encodings.front();
  ProducerParams params;
  params.kind = options.kind == "audio" ? MediaKind::kAudio : MediaKind::kVideo;
  params.ssrc = encoding.ssrc;
  params.rtx_ssrc = encoding.rtx_ssrc;
  params.payload_type = codec.payload_type;
  params.rtx_payload_type = codec.rtx_payload_type.value_or(0);
  params.clock_rate =
      codec.clock_rate == 0 ? (params.kind == MediaKind::kAudio ? 48000 : 90000) : codec.clock_rate;
  for (const auto& ext : options.rtp.header_extensions) {
    if (ext.uri == "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01") {
      params.twcc_extension_id = ext.id;
    }
    // Simulcast layers named by rid only are bound to SSRCs from these (RFC 8852, RFC 9143).
    if (ext.uri == "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id") params.rid_extension_id = ext.id;
    if (ext.uri == "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id")
      params.repaired_rid_extension_id = ext.id;
    if (ext.uri == "urn:ietf:params:rtp-hdrext:sdes:mid") params.mid_extension_id = ext.id;
  }
  params.mid = options.rtp.mid;
  // Simulcast (video): every encoding is a layer, lowest resolution first as offered.
  if (params.kind == MediaKind::kVideo && (options.rtp.encodings.size() > 1 || encoding.ssrc == 0)) {
    for (const auto& e : options.rtp.encodings) params.layers.push_back({e.ssrc, e.rtx_ssrc, e.rid});
  }
  const std::string mime = lower(codec.mime_type);
  params.keyframe_codec = mime == "video/vp8"    ? KeyframeCodec::kVp8
                          : mime == "video/h264" ? KeyframeCodec::kH264
                                                 : KeyframeCodec::kNone;

  const std::string id = random_id("pr-");
  params.stream_id = options.stream_id.empty() ? id : options.stream_id;
  Worker* worker = nullptr;
  {
    std::lock_guard lock(mutex_);
    worker = worker_of(transport_workers_, transport_id);
    if (worker != nullptr)
      producers_[id] =
          ProducerRecord{transport_rooms_[transport_id], transport_id, options.kind, options.rtp};
  }
  if (worker == nullptr) return fail(std::move(done), "transport_not_found", "no transport " + transport_id);
  worker->post([this, worker, transport_id, id, params, done = std::move(done)]() mutable {
    Room* room = worker->room_of_transport(transport_id);
    if (room == nullptr) return fail(std::move(done), "transport_not_found", "transport closed");
    auto added = room->add_producer(transport_id, id, params);
    if (!added) return fail(std::move(done), "produce_failed", added.error());
    complete(std::move(done), RouterOutcome<ProducerInfo>{ProducerInfo{id}, {}});
  });
}

void Router::consume(const std::string& transport_id, const ConsumeOptions& options,
                     RouterCallback<ConsumerInfo> done) {
  const std::string id = random_id("co-");
  Worker* worker = nullptr;
  ProducerRecord record;
  {
    std::lock_guard lock(mutex_);
    worker = worker_of(transport_workers_, transport_id);
    const auto p = producers_.find(options.producer_id);
    if (worker == nullptr)
      return fail(std::move(done), "transport_not_found", "no transport " + transport_id);
    if (p == producers_.end() || p->second.room_id != transport_rooms_[transport_id]) {
      return fail(std::move(done), "producer_not_found",
                  "no producer " + options.producer_id + " in this room");
    }
    record = p->second;
    consumer_workers_[id] = worker;
    transport_consumers_[transport_id].push_back(id);
  }
  ConsumerInfo info;
  info.consumer_id = id;
  info.kind = record.kind;
  info.rtp = record.rtp;
  info.rtp.cname = "umbra";
  const RtpCodec& codec = info.rtp.codecs.front();
  RtpEncoding encoding;
  encoding.ssrc = random_ssrc();
  if (codec.rtx_payload_type) encoding.rtx_ssrc = random_ssrc();
  info.rtp.encodings = {encoding};
  ConsumerRtpParams params;
  params.ssrc = encoding.ssrc;
  params.payload_type = codec.payload_type;
  params.rtx_ssrc = encoding.rtx_ssrc;
  params.rtx_payload_type = codec.rtx_payload_type.value_or(0);

  worker->post([this, worker, transport_id, id, producer_id = options.producer_id, paused = options.paused,
                params, info = std::move(info), done = std::move(done)]() mutable {
    Room* room = worker->room_of_transport(transport_id);
    if (room == nullptr) return fail(std::move(done), "transport_not_found", "transport closed");
    auto added = room->add_consumer(transport_id, id, producer_id, params, paused, Clock::now());
    if (!added) {
      {
        std::lock_guard lock(mutex_);
        consumer_workers_.erase(id);
        if (const auto c = transport_consumers_.find(transport_id); c != transport_consumers_.end())
          std::erase(c->second, id);
      }
      return fail(std::move(done), "consume_failed", added.error());
    }
    worker->note_consumer(id, room->id(), transport_id);
    complete(std::move(done), RouterOutcome<ConsumerInfo>{std::move(info), {}});
  });
}

void Router::set_consumer_paused(const std::string& consumer_id, bool paused) {
  Worker* worker = nullptr;
  {
    std::lock_guard lock(mutex_);
    worker = worker_of(consumer_workers_, consumer_id);
  }
  if (worker == nullptr) return;
  worker->post([worker, consumer_id, paused] {
    if (Room* room = worker->room_of_consumer(consumer_id))
      (void)room->set_consumer_paused(consumer_id, paused);
  });
}

void Router::set_consumer_preferred_layer(const std::string& consumer_id, std::size_t layer) {
  Worker* worker = nullptr;
  {
    std::lock_guard lock(mutex_);
    worker = worker_of(consumer_workers_, consumer_id);
  }
  if (worker == nullptr) return;
  worker->post([worker, consumer_id, layer] {
    if (Room* room = worker->room_of_consumer(consumer_id))
      (void)room->set_consumer_preferred_layer(consumer_id, layer, Clock::now());
  });
}

void Router::close_transport(const std::string& transport_id) {
  Worker* worker = nullptr;
  {
    std::lock_guard lock(mutex_);
    worker = worker_of(transport_workers_, transport_id);
    forget_transport_locked(transport_id);
  }
  if (worker == nullptr) return;
  worker->post([worker, transport_id] {
    if (Room* room = worker->room_of_transport(transport_id)) room->close_transport(transport_id);
  });
}

void Router::set_on_transport_closed(std::function<void(const std::string&, const std::string&)> fn) {
  std::lock_guard lock(mutex_);
  on_transport_closed_ = std::move(fn);
}

void Router::on_worker_transport_closed(const std::string& id, const std::string& reason) {
  // On a worker thread: forget the transport, then tell the control plane on its own thread.
  std::function<void(const std::string&, const std::string&)> handler;
  {
    std::lock_guard lock(mutex_);
    forget_transport_locked(id);
    handler = on_transport_closed_;
  }
  if (handler) post_([handler, id, reason] { handler(id, reason); });
}

void Router::forget_transport_locked(const std::string& id) {
  // Both close_transport and the worker's report of the closed transport come here: only the
  // first finds anything, so the room's count falls once.
  if (const auto r = transport_rooms_.find(id); r != transport_rooms_.end()) {
    if (const auto p = room_workers_.find(r->second); p != room_workers_.end() && p->second.transports > 0)
      --p->second.transports;
    transport_rooms_.erase(r);
  }
  transport_workers_.erase(id);
  std::erase_if(producers_, [&](const auto& entry) { return entry.second.transport_id == id; });
  if (const auto c = transport_consumers_.find(id); c != transport_consumers_.end()) {
    for (const auto& consumer_id : c->second) consumer_workers_.erase(consumer_id);
    transport_consumers_.erase(c);
  }
}

void Router::restart_ice(const std::string& transport_id, const std::string& remote_ufrag,
                         RouterCallback<TransportInfo> done) {
  Worker* worker = nullptr;
  {
    std::lock_guard lock(mutex_);
    worker = worker_of(transport_workers_, transport_id);
  }
  if (worker == nullptr) return fail(std::move(done), "transport_not_found", "no transport " + transport_id);
  const std::string ip = options_.announced_ip.empty() ? options_.listen_ip : options_.announced_ip;
  worker->post([this, worker, transport_id, remote_ufrag, ip, done = std::move(done)]() mutable {
    const auto creds = worker->restart_ice(transport_id, remote_ufrag);
    if (!creds) return fail(std::move(done), "transport_not_found", "transport closed");
    TransportInfo info;
    info.transport_id = transport_id;
    info.ice_ufrag = creds->ufrag;
    info.ice_pwd = creds->pwd;
    info.candidates.push_back({"1", ip, worker->port(), "udp", kHostPriority, "host"});
    info.fingerprints.push_back({"sha-256", fingerprint_});
    complete(std::move(done), RouterOutcome<TransportInfo>{std::move(info), {}});
  });
}

RouterStats Router::stats() const {
  RouterStats s;
  for (const auto& w : workers_) {
    const WorkerCounters& c = w->counters();
    s.transports += c.transports;
    s.producers += c.producers;
    s.consumers += c.consumers;
    s.packets_in += c.packets_in;
    s.packets_out += c.packets_out;
    s.bytes_in += c.bytes_in;
    s.bytes_out += c.bytes_out;
    s.packets_lost += c.packets_lost;
  }
  {
    std::lock_guard lock(mutex_);
    s.rooms = room_workers_.size();
  }
  s.recording_packets_dropped = recording_packets_dropped();
  return s;
}

Router::Bookkeeping Router::bookkeeping() const {
  Bookkeeping b;
  {
    std::lock_guard lock(mutex_);
    b.rooms = room_workers_.size();
    for (const auto& w : workers_) {
      const auto it = rooms_per_worker_.find(w.get());
      b.rooms_per_worker.push_back(it == rooms_per_worker_.end() ? 0 : it->second);
    }
    b.transports = transport_workers_.size();
    b.producers = producers_.size();
    b.consumers = consumer_workers_.size();
  }
  for (const auto& w : workers_) {
    const WorkerCounters& c = w->counters();
    b.worker_rooms.push_back(c.rooms);
    b.worker_transports += c.transport_ids;
    b.worker_consumers += c.consumer_ids;
  }
  return b;
}

void Router::set_room_drop_probe(std::function<void(const std::string&, std::optional<bool>)> fn) {
  std::lock_guard lock(mutex_);
  room_drop_probe_ = std::move(fn);
}

Result<std::unique_ptr<MediaRouter>, std::string> make_media_router(const RouterOptions& options,
                                                                    ControlPoster post_to_control) {
  try {
    const auto certificate = crypto::Certificate::generate("umbra");
    return std::unique_ptr<MediaRouter>(
        std::make_unique<Router>(options, certificate, std::move(post_to_control)));
  } catch (const std::exception& e) {
    return err("cannot start the media router on " + options.listen_ip + " port " +
               std::to_string(options.rtc_port) + ": " + e.what());
  }
}

std::uint64_t Router::recording_packets_dropped() const {
  std::lock_guard lock(mutex_);
  std::uint64_t n = recording_dropped_stopped_;
  for (const auto& [id, r] : recordings_) n += r.pipeline->packets_dropped();
  return n;
}

void Router::report_recording(const RecordingReport& report) {
  // On the recording thread: hand the report to the control plane on its own thread.
  if (closing_) return;
  std::function<void(const RecordingReport&)> handler;
  {
    std::lock_guard lock(mutex_);
    handler = on_recording_update_;
  }
  if (handler) post_([handler, report] { handler(report); });
}

void Router::start_recording(const RecordingOptions& options, RouterCallback<RecordingReport> done) {
  if (options.archive_id.empty()) return fail(std::move(done), "invalid_archive", "the archive id is empty");
  Worker* worker = nullptr;
  std::shared_ptr<RecordingPipeline> pipeline;
  {
    std::lock_guard lock(mutex_);
    if (recordings_.count(options.archive_id) != 0) {
      return fail(std::move(done), "archive_in_progress",
                  "archive " + options.archive_id + " is already recording");
    }
    // Defence in depth: the control plane refuses first. An E2EE room's media is SFrame
    // ciphertext here (DESIGN.md section 4), which no file could be made of.
    if (e2ee_rooms_.count(options.room_id) != 0) {
      return fail(std::move(done), "e2ee_unsupported", std::string(archive::kE2eeUnsupportedMessage));
    }
    worker = place_room(options.room_id).worker;
    RecordingHooks hooks;
    hooks.request_key_frame = [worker, room_id = options.room_id](const std::string& producer_id) {
      worker->post([worker, room_id, producer_id] {
        if (Room* room = worker->find_room(room_id)) (void)room->request_keyframe(producer_id);
      });
    };
    hooks.changed = [this](const RecordingReport& report) { report_recording(report); };
    pipeline = std::make_shared<RecordingPipeline>(options, *recording_, std::move(hooks));
    recordings_[options.archive_id] = Recording{options.room_id, worker, pipeline};
  }
  recording_->post([this, worker, pipeline, done = std::move(done)]() mutable {
    auto started = pipeline->start(Clock::now());
    if (!started) {
      {
        std::lock_guard lock(mutex_);
        const auto it = recordings_.find(pipeline->archive_id());
        if (it != recordings_.end() && it->second.pipeline == pipeline) recordings_.erase(it);
      }
      // The room was placed for this recording: have its worker hold it for a tick, so the
      // worker's drop (if nothing else is in it) is what forgets the placement.
      worker->post([worker, room_id = pipeline->options().room_id] { (void)worker->room(room_id); });
      return fail(std::move(done), "archive_storage_failed", started.error());
    }
    recording_->add(pipeline);
    attach_recording(worker, std::move(pipeline), std::move(done));
  });
}

void Router::attach_recording(Worker* worker, std::shared_ptr<RecordingPipeline> pipeline,
                              RouterCallback<RecordingReport> done) {
  // On the worker: the room (placed now if no transport made it yet) announces its producers to
  // the tap, which posts them to the recording thread; the report follows them there.
  worker->post([this, worker, pipeline = std::move(pipeline), done = std::move(done)]() mutable {
    // The room is made even for a recording stopped meanwhile: its placement is forgotten only
    // when the worker drops it.
    Room& room = worker->room(pipeline->options().room_id);
    if (pipeline->open()) room.add_recording_tap(pipeline);
    recording_->post([this, pipeline, done = std::move(done)]() mutable {
      complete(std::move(done), RouterOutcome<RecordingReport>{pipeline->report(), {}});
    });
  });
}

void Router::stop_recording(const std::string& archive_id, const std::string& reason,
                            RouterCallback<RecordingReport> done) {
  const auto stop_reason = parse_stop_reason(reason);
  if (!stop_reason)
    return fail(std::move(done), "invalid_stop_reason", "unknown stop reason \"" + reason + "\"");
  Recording recording;
  std::uint64_t counted = 0;  // its drops already in recording_dropped_stopped_
  {
    std::lock_guard lock(mutex_);
    const auto it = recordings_.find(archive_id);
    if (it == recordings_.end())
      return fail(std::move(done), "archive_not_found", "no recording " + archive_id);
    recording = std::move(it->second);
    recordings_.erase(it);
    counted = recording.pipeline->packets_dropped();
    recording_dropped_stopped_ += counted;
  }
  recording.pipeline->close();
  // Off the room first (on its worker), so no packet can follow the stop into the recording thread.
  Worker* worker = recording.worker;
  worker->post([this, worker, recording = std::move(recording), reason = *stop_reason, counted,
                done = std::move(done)]() mutable {
    if (Room* room = worker->find_room(recording.room_id))
      room->remove_recording_tap(recording.pipeline->archive_id());
    recording_->post(
        [this, pipeline = std::move(recording.pipeline), reason, done = std::move(done), counted]() mutable {
          auto report = pipeline->stop(reason, Clock::now());
          {
            // A packet copied while close() was on its way may have been dropped since.
            std::lock_guard lock(mutex_);
            recording_dropped_stopped_ += pipeline->packets_dropped() - counted;
          }
          recording_->remove(pipeline.get());
          complete(std::move(done), RouterOutcome<RecordingReport>{std::move(report), {}});
        });
  });
}

void Router::set_on_recording_update(std::function<void(const RecordingReport&)> fn) {
  std::lock_guard lock(mutex_);
  on_recording_update_ = std::move(fn);
}

}  // namespace umbra::router
