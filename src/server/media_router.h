// The control plane's only view of the media router (DESIGN.md section 2): create a transport, connect it,
// produce, consume, close, stats. Narrow on purpose so that it can later be carried over a socket to a
// router on another node. Calls are made on the control-plane thread; completions are delivered back on
// that thread (an implementation running its own workers posts them); only the unavailable router answers
// synchronously, from inside the call. IDs are opaque strings chosen by the router.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace umbra::server {

struct RouterError {
  std::string code;  // e.g. "router_unavailable", "transport_not_found", "codec_unsupported"
  std::string message;
};

template <class T>
struct RouterOutcome {
  std::optional<T> value;  // set on success
  RouterError error;       // meaningful when !value
};
struct RouterDone {};

template <class T>
using RouterCallback = std::function<void(RouterOutcome<T>)>;

struct IceCandidate {
  std::string foundation;
  std::string ip;
  std::uint16_t port = 0;
  std::string protocol = "udp";
  std::uint32_t priority = 0;
  std::string type = "host";
};

struct DtlsFingerprint {
  std::string algorithm;  // "sha-256"
  std::string value;      // colon-separated upper-case hex, as in SDP a=fingerprint (RFC 8122)
};

struct TransportOptions {
  std::string room_id;        // the session id: a transport lives on its room's worker
  std::string connection_id;  // for logs and for closing everything of a connection
  bool e2ee = false;          // the room forwards SFrame ciphertext only (DESIGN.md section 4)
};

// What the client needs to reach the router (ICE-lite, DTLS server or client as negotiated).
struct TransportInfo {
  std::string transport_id;
  std::string ice_ufrag;
  std::string ice_pwd;
  std::vector<IceCandidate> candidates;
  std::vector<DtlsFingerprint> fingerprints;
};

struct DtlsParameters {
  std::string role;  // "client" | "server" | "auto": the client's DTLS role from its SDP a=setup
  std::vector<DtlsFingerprint> fingerprints;
};

struct RtpCodec {
  std::string mime_type;  // "audio/opus", "video/VP8"
  std::uint8_t payload_type = 0;
  std::uint32_t clock_rate = 0;
  std::uint8_t channels = 0;
  std::string fmtp;
  std::optional<std::uint8_t> rtx_payload_type;
};

struct RtpEncoding {
  std::uint32_t ssrc = 0;
  std::optional<std::uint32_t> rtx_ssrc;
  std::string rid;  // simulcast layer name, empty without simulcast
};

struct RtpHeaderExtension {
  std::string uri;
  std::uint8_t id = 0;
};

struct RtpParameters {
  std::string mid;
  std::vector<RtpCodec> codecs;
  std::vector<RtpEncoding> encodings;
  std::vector<RtpHeaderExtension> header_extensions;
  std::string cname;
};

struct ProduceOptions {
  std::string kind;  // "audio" | "video"
  RtpParameters rtp;
  std::string stream_id;  // the signaling stream this track belongs to
};

struct ProducerInfo {
  std::string producer_id;
};

struct ConsumeOptions {
  std::string producer_id;
  bool paused = false;
};

struct ConsumerInfo {
  std::string consumer_id;
  std::string kind;
  RtpParameters rtp;  // what the router will send: the client's answer is built from this
};

struct RouterStats {
  std::uint64_t transports = 0;
  std::uint64_t producers = 0;
  std::uint64_t consumers = 0;
  std::uint64_t packets_in = 0;
  std::uint64_t packets_out = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t packets_lost = 0;
  std::uint64_t rooms = 0;                      // rooms (sessions) placed on the router's workers now
  std::uint64_t recording_packets_dropped = 0;  // since start: the recording thread fell behind
};

// Recording (issue 6, docs/archiving.md). The router holds the decrypted RTP, so it writes the files:
// one WebM per recorded track under <archive_root>/<archive_id>/. The control plane owns the record
// (SQLite) and learns what happened to each file through RecordingReport.
struct RecordingOptions {
  std::string room_id;  // the session id
  std::string archive_id;
  std::string archive_root;  // the router creates <archive_root>/<archive_id>/ if it is missing
  bool has_audio = true;
  bool has_video = true;
};

// One recorded track: archive::StreamEntry as plain data (names as in the REST API).
struct RecordedStream {
  std::string stream_id;  // the signaling stream (ProduceOptions::stream_id)
  std::string kind;       // "audio" | "video"
  std::string file;       // the file's name inside the archive's directory
  std::int64_t start_offset_ms = 0;
  std::int64_t duration_ms = 0;
  std::string state;  // "recording" | "recorded" | "no_media" | "failed"
  std::string error;  // no_media / failed: why
};

// archive::ArchiveSession as plain data, so the interface can later cross a socket.
struct RecordingReport {
  std::string archive_id;
  std::string room_id;
  std::string status;       // "started" | "stopped" | "failed" (archive::archive_status_name)
  std::string stop_reason;  // archive::stop_reason_name; empty while started
  std::string error;        // failed: why (e.g. "cannot write to …: No space left on device")
  std::vector<RecordedStream> streams;
  // True once no file is still being written (stopped or failed, and every recorder finished).
  bool finished = false;
};

class MediaRouter {
 public:
  virtual ~MediaRouter() = default;

  // False when this process has no media router; routed publish/subscribe then fail fast with
  // `router_unavailable` instead of timing out.
  virtual bool available() const = 0;

  virtual void create_transport(const TransportOptions& options, RouterCallback<TransportInfo> done) = 0;
  virtual void connect_transport(const std::string& transport_id, const DtlsParameters& dtls,
                                 RouterCallback<RouterDone> done) = 0;
  virtual void produce(const std::string& transport_id, const ProduceOptions& options,
                       RouterCallback<ProducerInfo> done) = 0;
  virtual void consume(const std::string& transport_id, const ConsumeOptions& options,
                       RouterCallback<ConsumerInfo> done) = 0;
  // Pause or resume one consumer (subscribeToAudio/Video in routed sessions).
  virtual void set_consumer_paused(const std::string& consumer_id, bool paused) = 0;
  // The highest simulcast layer a consumer should forward (0 = lowest; updateSubscription's
  // preferredLayer). The router switches at the new layer's next keyframe; a consumer of a stream
  // without simulcast ignores it. Routers without simulcast (test fakes) ignore it too.
  virtual void set_consumer_preferred_layer(const std::string& consumer_id, std::size_t layer) {
    (void)consumer_id;
    (void)layer;
  }
  // Closing a transport closes its producers and consumers.
  virtual void close_transport(const std::string& transport_id) = 0;
  // ICE restart (RFC 8445 section 9) for the peer's restart offer (`remote_ufrag`: the offer's new
  // ufrag; empty when not known yet): the answer carries new ICE credentials for the same candidates
  // and fingerprint. DTLS and SRTP go on and media keeps flowing; the old credentials keep working
  // until the peer's first check with the new ones. Routers without it (test fakes) say
  // `ice_restart_unsupported`, from inside the call.
  virtual void restart_ice(const std::string& transport_id, const std::string& remote_ufrag,
                           RouterCallback<TransportInfo> done) {
    (void)transport_id;
    (void)remote_ufrag;
    if (done)
      done(RouterOutcome<TransportInfo>{
          std::nullopt, RouterError{"ice_restart_unsupported", "this router cannot restart ICE"}});
  }
  // Reports a transport that closed on its own, on the control-plane thread: ICE consent expired
  // (RFC 7675 section 5.1, no check for the router's consent timeout, 30 s by default), DTLS
  // failed or the peer sent close_notify.
  // A transport closed by close_transport() may be reported too: the handler ignores ids it has
  // already forgotten. `reason` is the router's word for logs (e.g. "ice consent expired (no checks
  // for 30 s)").
  virtual void set_on_transport_closed(
      std::function<void(const std::string& transport_id, const std::string& reason)> fn) = 0;
  virtual RouterStats stats() const = 0;

  // Starts recording every track of the room, the ones published now and the ones published later,
  // until stop_recording. The completion carries the first report; an error (e.g. the directory
  // cannot be created) means nothing is being recorded.
  virtual void start_recording(const RecordingOptions& options, RouterCallback<RecordingReport> done) = 0;
  // Stops a recording (`reason` as archive::stop_reason_name, e.g. "requested", "last_stream_left").
  // The completion carries the final report, every file finished (finished == true).
  virtual void stop_recording(const std::string& archive_id, const std::string& reason,
                              RouterCallback<RecordingReport> done) = 0;
  // Reports a recording that changed on its own, on the control-plane thread: a track joined or
  // left, a file failed (then the whole archive is failed and finished).
  virtual void set_on_recording_update(std::function<void(const RecordingReport&)> fn) = 0;
};

// The router of a process built or started without one: says so, clearly, to every request.
std::unique_ptr<MediaRouter> make_unavailable_media_router();

inline constexpr const char* kRouterUnavailableMessage =
    "this server runs without the media router (umbra serve --no-router); use a relayed session";

}  // namespace umbra::server
