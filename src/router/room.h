// A room: the transports, producers and consumers of one session, pinned to one worker thread
// so nothing on the packet path is shared or locked (the mediasoup Router, one per session).
//
// The room is each of its transports' listener. A producer's packet is cached for NACKs, checked
// for upstream loss and keyframes, and forwarded to every consumer of it with that consumer's
// SSRC, sequence number, timestamp and payload type. RTCP from subscribers is answered here:
// NACKs from the producer's cache with RTX, PLI/FIR merged into one rate-limited request to the
// publisher; RTCP towards publishers (NACK, PLI/FIR, RR) and subscribers (SR) is generated on
// handle_timeout. Sans-IO like its transports: time comes in, datagrams go out through them.
//
// Simulcast (RFC 8853): a video producer may have up to three spatial layers, each its own RTP
// stream (SSRC, RTX SSRC) with its own cache, NACKs, keyframe requests and reports. A layer named
// only by rid (RFC 8851) is bound to the SSRC of the first packet whose RTP stream id or repaired
// stream id header extension (RFC 8852) names it. Each consumer of such a producer forwards one
// layer at a time, chosen by its SimulcastSelector (simulcast_selector.h), and answers its NACKs
// from the layer it forwarded.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"
#include "router/clock.h"
#include "router/keyframe_detector.h"
#include "router/keyframe_requester.h"
#include "router/nack_generator.h"
#include "router/nack_responder.h"
#include "router/packet_cache.h"
#include "router/receive_stats.h"
#include "router/recording_tap.h"
#include "router/rtp_rewriter.h"
#include "router/simulcast_selector.h"
#include "router/twcc_recorder.h"
#include "router/webrtc_transport.h"

namespace umbra::router {

enum class MediaKind { kAudio, kVideo };

// One simulcast layer of a producer.
struct LayerParams {
  std::uint32_t ssrc = 0;  // 0: learned from the first packet that carries `rid`
  std::optional<std::uint32_t> rtx_ssrc;
  std::string rid;  // RFC 8851; empty when the SDP named the layer by SSRC (a=ssrc-group:SIM)
};

struct ProducerParams {
  MediaKind kind = MediaKind::kVideo;
  std::uint32_t ssrc = 0;
  std::optional<std::uint32_t> rtx_ssrc;
  std::uint8_t payload_type = 0;
  std::uint8_t rtx_payload_type = 0;
  std::uint32_t clock_rate = 90000;
  // How keyframes are found; kNone: consumers start at once (no keyframe gating).
  KeyframeCodec keyframe_codec = KeyframeCodec::kNone;
  bool use_fir = false;  // the publisher negotiated "ccm fir" but not "nack pli"
  // The transport-wide sequence number extension's id, when negotiated: the room then sends
  // transport-cc feedback for the whole transport.
  std::optional<std::uint8_t> twcc_extension_id;
  // The signaling stream the producer belongs to: a recording names its file after it.
  std::string stream_id;
  // Simulcast: the spatial layers, lowest resolution first, at most SimulcastSelector::kMaxLayers.
  // Empty: one stream, given by ssrc and rtx_ssrc above.
  std::vector<LayerParams> layers;
  // RFC 8852 / RFC 9143 header extension ids, needed to bind layers announced by rid only; the
  // mid tells two producers on one transport apart.
  std::optional<std::uint8_t> rid_extension_id;
  std::optional<std::uint8_t> repaired_rid_extension_id;
  std::optional<std::uint8_t> mid_extension_id;
  std::string mid;
};

struct RoomStats {
  std::uint64_t transports = 0;
  std::uint64_t producers = 0;
  std::uint64_t consumers = 0;
  std::uint64_t packets_in = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t packets_out = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t packets_lost = 0;       // upstream loss not recovered
  std::uint64_t rtx_sent = 0;           // answers to consumer NACKs
  std::uint64_t nacks_sent = 0;         // sequence numbers asked of publishers
  std::uint64_t keyframe_requests = 0;  // sent upstream
  std::uint64_t dropped_malformed = 0;
};

class Room : public WebRtcTransport::Listener {
 public:
  explicit Room(std::string id);
  ~Room() override;
  Room(const Room&) = delete;
  Room& operator=(const Room&) = delete;

  const std::string& id() const { return id_; }

  // Told about every transport just before it is destroyed (the worker unregisters it from the
  // UDP mux and from its id maps).
  void set_on_transport_removed(std::function<void(const WebRtcTransport&, const std::string& reason)> fn) {
    on_removed_ = std::move(fn);
  }

  // Takes ownership; the room becomes the transport's listener.
  WebRtcTransport& add_transport(std::unique_ptr<WebRtcTransport> transport);
  WebRtcTransport* transport(const std::string& id);
  void close_transport(const std::string& id);

  Result<void, std::string> add_producer(const std::string& transport_id, const std::string& producer_id,
                                         const ProducerParams& params);
  // The consumer's stream is described by `params` (its SSRCs chosen by the caller); starting a
  // video consumer asks the publisher for a keyframe, since a decoder can start only there.
  Result<void, std::string> add_consumer(const std::string& transport_id, const std::string& consumer_id,
                                         const std::string& producer_id, const ConsumerRtpParams& params,
                                         bool paused, TimePoint now);
  Result<void, std::string> set_consumer_paused(const std::string& consumer_id, bool paused);
  // The highest simulcast layer the subscriber wants (0 = lowest). The consumer switches at the
  // next keyframe of the new layer, which is asked of the publisher. Errors: consumer_not_found,
  // not_simulcast (the producer has one layer).
  Result<void, std::string> set_consumer_preferred_layer(const std::string& consumer_id, std::size_t layer,
                                                         TimePoint now);
  // The layer a consumer forwards now, and the one it is switching to (tests, stats).
  struct ConsumerLayers {
    std::optional<std::size_t> current;
    std::optional<std::size_t> target;
  };
  std::optional<ConsumerLayers> consumer_layers(const std::string& consumer_id) const;

  void handle_timeout(TimePoint now);

  // Recording (docs/archiving.md): the tap learns every producer now and later, gets a copy of
  // each one's media packets, and hears when a producer leaves. Removing it stops all of that.
  void add_recording_tap(std::shared_ptr<RecordingTap> tap);
  void remove_recording_tap(const std::string& archive_id);
  bool recording() const { return !taps_.empty(); }
  // A recording waits for a key frame: asked of the publisher like a subscriber's PLI (merged and
  // rate-limited). False when the producer is gone.
  bool request_keyframe(const std::string& producer_id);

  RoomStats stats() const;
  // Nothing left to keep the room for: no transport, and no recording waiting for producers.
  bool empty() const { return transports_.empty() && taps_.empty(); }

  // WebRtcTransport::Listener
  void on_connected(WebRtcTransport& transport) override;
  void on_closed(WebRtcTransport& transport, std::string_view reason) override;
  void on_rtp(WebRtcTransport& transport, rtc::rtp::RtpPacket& packet, TimePoint now) override;
  void on_rtcp(WebRtcTransport& transport, ByteSpan compound, TimePoint now) override;

  static constexpr Duration kReportInterval = std::chrono::seconds(1);
  static constexpr Duration kTwccInterval = std::chrono::milliseconds(100);

 private:
  struct Consumer;
  // One RTP stream from the publisher: the producer itself, or one of its simulcast layers.
  struct Layer {
    LayerParams params;
    PacketCache cache;
    NackGenerator nacks;
    KeyframeRequester keyframes;
    ReceiveStats receive;
    // The publisher's last SR: its NTP <-> RTP timestamp mapping, which lip sync depends on.
    struct SenderClock {
      std::uint64_t ntp = 0;
      std::uint32_t rtp = 0;
      TimePoint arrival{};
    };
    std::optional<SenderClock> sender_clock;
    Layer(LayerParams p, bool use_fir, std::uint32_t clock_rate)
        : params(std::move(p)), keyframes(use_fir), receive(clock_rate) {}
  };
  struct Producer {
    std::string id;
    WebRtcTransport* transport = nullptr;
    ProducerParams params;
    std::vector<std::unique_ptr<Layer>> layers;  // at least one, lowest resolution first
    std::vector<Consumer*> consumers;
    std::uint64_t track = 0;  // the producer's number for recording taps
    // Simulcast: a recording follows one layer the way a consumer does (the best one flowing,
    // switched at keyframes), renumbered into one continuous stream for its jitter buffer.
    std::optional<SimulcastSelector> record_selector;
    std::optional<RtpRewriter> record_rewriter;
    Producer(std::string id_, WebRtcTransport* t, const ProducerParams& p);
    bool simulcast() const { return layers.size() > 1; }
    // The layer whose stream has this SSRC (nullptr if none, e.g. not bound yet).
    Layer* layer_of(std::uint32_t ssrc) const;
  };
  struct Consumer {
    std::string id;
    WebRtcTransport* transport = nullptr;
    Producer* producer = nullptr;
    ConsumerRtpParams params;
    RtpRewriter rewriter;
    NackResponder nack;
    std::optional<SimulcastSelector> selector;  // simulcast producers only
    bool paused = false;
    bool needs_keyframe = false;
    std::uint32_t packets_sent = 0;
    std::uint32_t octets_sent = 0;
    std::map<std::uint32_t, TimePoint> sr_sent;  // LSR value -> when, for RTT from RRs
    Consumer(std::string id_, WebRtcTransport* t, Producer* p, const ConsumerRtpParams& cp,
             std::uint16_t seq0, std::uint32_t ts0, std::uint16_t rtx_seq0)
        : id(std::move(id_)),
          transport(t),
          producer(p),
          params(cp),
          rewriter(p->params.clock_rate, seq0, ts0),
          nack(cp, rtx_seq0) {}
    // The producer's layer this consumer forwarded last (its NACKs and SRs refer to it).
    Layer& forwarded_layer() const;
  };
  struct Route {
    Producer* producer = nullptr;
    Consumer* consumer = nullptr;
    bool rtx = false;
    std::size_t layer = 0;
  };
  using RouteKey = std::pair<const WebRtcTransport*, std::uint32_t>;

  // A packet from an SSRC not yet routed: binds it to the rid-announced layer it names, if any.
  std::map<RouteKey, Route>::iterator bind_rid(WebRtcTransport& transport, const rtc::rtp::RtpPacket& packet);
  void request_keyframe(Consumer& consumer);
  void forward(Producer& producer, std::size_t layer, rtc::rtp::RtpPacket& packet, bool keyframe,
               TimePoint now);
  void record(Producer& producer, std::size_t layer, const rtc::rtp::RtpPacket& packet, bool keyframe,
              TimePoint now);
  static void announce(RecordingTap& tap, const Producer& producer);
  void send_producer_feedback(Producer& producer, TimePoint now);
  void send_reports(TimePoint now);
  void remove_consumer(Consumer* consumer);
  void remove_producer(Producer* producer);
  void collect_closed();
  std::uint64_t ntp_now(TimePoint now) const;

  std::string id_;
  std::uint32_t rtcp_ssrc_;  // sender SSRC of the RTCP the router originates
  std::map<std::string, std::unique_ptr<WebRtcTransport>> transports_;
  std::map<std::string, std::unique_ptr<Producer>> producers_;
  std::map<std::string, std::unique_ptr<Consumer>> consumers_;
  std::map<RouteKey, Route> routes_;
  struct Twcc {
    std::uint8_t extension_id = 0;
    std::uint32_t media_ssrc = 0;
    TwccRecorder recorder;
  };
  std::map<WebRtcTransport*, Twcc> twcc_;
  TimePoint last_twcc_{};  // incoming SSRC (media or RTX) or consumer SSRC on a transport
  std::vector<std::pair<std::string, std::string>> closed_;  // transport id, reason
  std::function<void(const WebRtcTransport&, const std::string&)> on_removed_;
  TimePoint last_report_{};
  std::int64_t ntp_base_us_ = 0;
  TimePoint steady_base_{};
  Bytes scratch_;      // RTX unwrapping
  Bytes forward_buf_;  // one consumer's copy of a packet being forwarded
  Bytes record_buf_;   // a simulcast layer's packet renumbered for the recording
  std::vector<std::shared_ptr<RecordingTap>> taps_;
  std::uint64_t next_track_ = 1;
  RoomStats counters_;
};

}  // namespace umbra::router
