#include "router/room.h"

#include <algorithm>

#include "crypto/random.h"
#include "rtc/rtcp/packet.h"
#include "rtc/rtp/rtx.h"
#include "rtc/rtp/vp8_descriptor.h"

namespace umbra::router {

namespace rtcp = rtc::rtcp;

namespace {

std::uint32_t random_u32() {
  return static_cast<std::uint32_t>(crypto::random_u64());
}

std::vector<LayerParams> layers_of(const ProducerParams& p) {
  if (!p.layers.empty()) return p.layers;
  return {LayerParams{p.ssrc, p.rtx_ssrc, ""}};
}

}  // namespace

Room::Producer::Producer(std::string id_, WebRtcTransport* t, const ProducerParams& p)
    : id(std::move(id_)), transport(t), params(p) {
  for (auto& layer : layers_of(p))
    layers.push_back(std::make_unique<Layer>(std::move(layer), p.use_fir, p.clock_rate));
  if (simulcast()) {
    record_selector.emplace(layers.size());
    const std::uint64_t r = crypto::random_u64();
    record_rewriter.emplace(p.clock_rate, static_cast<std::uint16_t>(r), static_cast<std::uint32_t>(r >> 16));
  }
}

Room::Layer* Room::Producer::layer_of(std::uint32_t ssrc) const {
  for (const auto& l : layers) {
    if (l->params.ssrc == ssrc && ssrc != 0) return l.get();
  }
  return nullptr;
}

Room::Layer& Room::Consumer::forwarded_layer() const {
  if (Layer* l = producer->layer_of(rewriter.source_ssrc()); l != nullptr && rewriter.has_output()) return *l;
  if (selector) {
    if (const auto target = selector->target()) return *producer->layers[*target];
  }
  return *producer->layers.front();
}

Room::Room(std::string id) : id_(std::move(id)), rtcp_ssrc_(random_u32() | 1) {}

Room::~Room() {
  // Transports outlive nothing that points at them once the room is gone.
  for (auto& [id, t] : transports_) t->set_listener(nullptr);
}

WebRtcTransport& Room::add_transport(std::unique_ptr<WebRtcTransport> transport) {
  transport->set_listener(this);
  auto& slot = transports_[transport->id()];
  slot = std::move(transport);
  return *slot;
}

WebRtcTransport* Room::transport(const std::string& id) {
  const auto it = transports_.find(id);
  return it == transports_.end() ? nullptr : it->second.get();
}

void Room::close_transport(const std::string& id) {
  WebRtcTransport* t = transport(id);
  if (t == nullptr) return;
  t->close("closed by the server");  // on_closed queues it for removal
  collect_closed();
}

Result<void, std::string> Room::add_producer(const std::string& transport_id, const std::string& producer_id,
                                             const ProducerParams& params) {
  WebRtcTransport* t = transport(transport_id);
  if (t == nullptr) return err(std::string("transport_not_found"));
  if (producers_.count(producer_id) != 0) return err(std::string("producer id in use"));
  const auto layers = layers_of(params);
  if (layers.size() > SimulcastSelector::kMaxLayers) return err(std::string("too many simulcast layers"));
  for (const auto& l : layers) {
    if (l.ssrc == 0 && (l.rid.empty() || !params.rid_extension_id)) {
      return err(std::string("a layer needs an SSRC, or a rid and the rtp-stream-id extension"));
    }
    if ((l.ssrc != 0 && routes_.count({t, l.ssrc}) != 0) ||
        (l.rtx_ssrc && routes_.count({t, *l.rtx_ssrc}) != 0)) {
      return err(std::string("ssrc already in use on this transport"));
    }
  }
  auto producer = std::make_unique<Producer>(producer_id, t, params);
  producer->track = next_track_++;
  for (const auto& tap : taps_) announce(*tap, *producer);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].ssrc != 0) routes_[{t, layers[i].ssrc}] = Route{producer.get(), nullptr, false, i};
    if (layers[i].rtx_ssrc) routes_[{t, *layers[i].rtx_ssrc}] = Route{producer.get(), nullptr, true, i};
  }
  producers_[producer_id] = std::move(producer);
  if (params.twcc_extension_id && twcc_.count(t) == 0) {
    twcc_[t] = Twcc{*params.twcc_extension_id, params.ssrc, {}};
  }
  return {};
}

Result<void, std::string> Room::add_consumer(const std::string& transport_id, const std::string& consumer_id,
                                             const std::string& producer_id, const ConsumerRtpParams& params,
                                             bool paused, TimePoint now) {
  WebRtcTransport* t = transport(transport_id);
  if (t == nullptr) return err(std::string("transport_not_found"));
  const auto p = producers_.find(producer_id);
  if (p == producers_.end()) return err(std::string("producer_not_found"));
  if (consumers_.count(consumer_id) != 0) return err(std::string("consumer id in use"));
  if (routes_.count({t, params.ssrc}) != 0) return err(std::string("ssrc already in use on this transport"));
  Producer* producer = p->second.get();
  // RFC 3550 section 5.1: random initial sequence number and timestamp.
  const std::uint64_t r = crypto::random_u64();
  auto consumer =
      std::make_unique<Consumer>(consumer_id, t, producer, params, static_cast<std::uint16_t>(r),
                                 static_cast<std::uint32_t>(r >> 16), static_cast<std::uint16_t>(r >> 48));
  consumer->paused = paused;
  if (producer->simulcast()) {
    // Which layer's keyframe to ask for is known once the layers' packets show which ones flow.
    consumer->selector.emplace(producer->layers.size());
  } else if (producer->params.kind == MediaKind::kVideo) {
    // Held back until a keyframe when we can recognise one; asked for either way.
    consumer->needs_keyframe = producer->params.keyframe_codec != KeyframeCodec::kNone;
    if (!paused) producer->layers.front()->keyframes.request();
  }
  routes_[{t, params.ssrc}] = Route{nullptr, consumer.get(), false};
  producer->consumers.push_back(consumer.get());
  consumers_[consumer_id] = std::move(consumer);
  send_producer_feedback(*producer, now);
  return {};
}

Result<void, std::string> Room::set_consumer_paused(const std::string& consumer_id, bool paused) {
  const auto it = consumers_.find(consumer_id);
  if (it == consumers_.end()) return err(std::string("consumer_not_found"));
  Consumer& c = *it->second;
  if (c.paused == paused) return {};
  c.paused = paused;
  if (!paused && (c.selector || c.producer->params.keyframe_codec != KeyframeCodec::kNone)) {
    // Resuming video: continue the consumer's numbering at the next keyframe.
    c.needs_keyframe = true;
    request_keyframe(c);
  } else if (!paused) {
    // Resuming audio: continue the numbering at once; the timestamp jumps by the pause.
    c.rewriter.resync();
  }
  return {};
}

Result<void, std::string> Room::set_consumer_preferred_layer(const std::string& consumer_id,
                                                             std::size_t layer, TimePoint now) {
  const auto it = consumers_.find(consumer_id);
  if (it == consumers_.end()) return err(std::string("consumer_not_found"));
  Consumer& c = *it->second;
  if (!c.selector) return err(std::string("not_simulcast"));
  c.selector->set_preferred(layer, now);
  if (!c.paused) request_keyframe(c);
  return {};
}

std::optional<Room::ConsumerLayers> Room::consumer_layers(const std::string& consumer_id) const {
  const auto it = consumers_.find(consumer_id);
  if (it == consumers_.end()) return std::nullopt;
  const Consumer& c = *it->second;
  if (!c.selector) return ConsumerLayers{std::size_t{0}, std::size_t{0}};
  return ConsumerLayers{c.selector->current(), c.selector->target()};
}

void Room::request_keyframe(Consumer& consumer) {
  Producer& p = *consumer.producer;
  if (!consumer.selector) {
    p.layers.front()->keyframes.request();
    return;
  }
  // A switch in progress waits for the new layer's keyframe; otherwise the decoder wants one of
  // the layer it is fed. Before any packet nothing is known: the first packets will ask.
  if (const auto want = consumer.selector->wanted_keyframe()) {
    p.layers[*want]->keyframes.request();
  } else if (consumer.needs_keyframe) {
    if (const auto target = consumer.selector->target()) p.layers[*target]->keyframes.request();
  } else if (const auto current = consumer.selector->current()) {
    p.layers[*current]->keyframes.request();
  }
}

void Room::on_connected(WebRtcTransport& transport) {
  // A subscriber whose transport just came up needs a keyframe for every video it consumes; the
  // request made when the consumer was added may have been answered before it could receive.
  for (auto& [id, c] : consumers_) {
    if (c->transport == &transport && c->producer->params.kind == MediaKind::kVideo && !c->paused) {
      c->needs_keyframe = c->selector || c->producer->params.keyframe_codec != KeyframeCodec::kNone;
      request_keyframe(*c);
    }
  }
}

void Room::on_closed(WebRtcTransport& transport, std::string_view reason) {
  closed_.emplace_back(transport.id(), std::string(reason));
}

void Room::on_rtp(WebRtcTransport& transport, rtc::rtp::RtpPacket& packet, TimePoint now) {
  auto route = routes_.find({&transport, packet.ssrc()});
  if (route == routes_.end()) route = bind_rid(transport, packet);
  if (route == routes_.end() || route->second.producer == nullptr) {
    ++counters_.dropped_malformed;  // an SSRC nobody announced
    return;
  }
  Producer& producer = *route->second.producer;
  const std::size_t layer_index = route->second.layer;
  Layer& layer = *producer.layers[layer_index];
  ++counters_.packets_in;
  if (!twcc_.empty()) {
    // Every packet counts for congestion control, RTX and padding included.
    const auto tw = twcc_.find(&transport);
    if (tw != twcc_.end()) {
      const auto ext = packet.extension(tw->second.extension_id);
      if (ext && ext->size() == 2) tw->second.recorder.on_packet(load_be16(ext->data()), now);
    }
  }
  counters_.bytes_in += packet.size();

  if (route->second.rtx) {
    // RFC 4588: restore the original packet; one without an OSN is a bandwidth probe.
    scratch_.resize(packet.size());
    if (layer.params.ssrc == 0) return;  // a repair of a layer whose own packets never came
    const auto n = rtc::rtp::rtx_unwrap(packet, producer.params.payload_type, layer.params.ssrc, scratch_);
    if (!n) return;
    auto original = rtc::rtp::RtpPacket::parse(MutableByteSpan(scratch_).first(*n));
    if (!original) return;
    const auto received = layer.nacks.on_packet(original->sequence_number(), now);
    // Only a packet we were missing is forwarded; a repeat would be a duplicate downstream.
    if (received != NackGenerator::Received::kRecovered) return;
    layer.cache.insert(original->sequence_number(), original->bytes(), now);
    const bool keyframe = starts_keyframe(producer.params.keyframe_codec, original->payload());
    if (keyframe) layer.keyframes.on_keyframe();
    // The repair goes to the recording too: its jitter buffer is waiting for exactly this packet.
    if (!taps_.empty()) record(producer, layer_index, *original, keyframe, now);
    forward(producer, layer_index, *original, keyframe, now);
    return;
  }

  layer.receive.on_packet(packet.sequence_number(), packet.timestamp(), now);
  // Browsers negotiate NACK for video only; Opus covers loss with FEC and concealment.
  if (producer.params.kind == MediaKind::kVideo) {
    const auto received = layer.nacks.on_packet(packet.sequence_number(), now);
    if (received == NackGenerator::Received::kTooLargeGap) layer.keyframes.request();
  }
  if (packet.payload().empty()) {
    // Padding only (bandwidth probing): nothing for a decoder, so it is not forwarded, and each
    // consumer's numbering closes over it so the receiver sees no loss.
    for (Consumer* c : producer.consumers) c->rewriter.skip(layer.params.ssrc, packet.sequence_number());
    if (producer.record_rewriter) producer.record_rewriter->skip(layer.params.ssrc, packet.sequence_number());
    return;
  }
  if (producer.params.kind == MediaKind::kVideo) {
    layer.cache.insert(packet.sequence_number(), packet.bytes(), now);
  }
  const bool keyframe = starts_keyframe(producer.params.keyframe_codec, packet.payload());
  if (keyframe) layer.keyframes.on_keyframe();
  if (!taps_.empty()) record(producer, layer_index, packet, keyframe, now);
  forward(producer, layer_index, packet, keyframe, now);
}

std::map<Room::RouteKey, Room::Route>::iterator Room::bind_rid(WebRtcTransport& transport,
                                                               const rtc::rtp::RtpPacket& packet) {
  for (auto& [pid, p] : producers_) {
    if (p->transport != &transport || !p->params.rid_extension_id) continue;
    const ProducerParams& params = p->params;
    // RFC 8843 section 15: with BUNDLE the mid says which m-section (producer) the packet is for.
    if (params.mid_extension_id && !params.mid.empty()) {
      const auto mid = packet.extension(*params.mid_extension_id);
      if (mid && std::string_view(reinterpret_cast<const char*>(mid->data()), mid->size()) != params.mid)
        continue;
    }
    // RFC 8852 section 3: an RTX stream names the layer it repairs in repaired-rtp-stream-id.
    const bool rtx = params.rtx_payload_type != 0 && packet.payload_type() == params.rtx_payload_type;
    const auto ext_id = rtx ? params.repaired_rid_extension_id : params.rid_extension_id;
    if (!ext_id) continue;
    const auto rid = packet.extension(*ext_id);
    if (!rid || rid->empty()) continue;
    const std::string_view name(reinterpret_cast<const char*>(rid->data()), rid->size());
    for (std::size_t i = 0; i < p->layers.size(); ++i) {
      LayerParams& l = p->layers[i]->params;
      if (l.rid != name) continue;
      if (rtx) {
        if (l.rtx_ssrc) return routes_.end();  // already bound to another SSRC
        l.rtx_ssrc = packet.ssrc();
      } else {
        if (l.ssrc != 0) return routes_.end();
        l.ssrc = packet.ssrc();
        if (const auto tw = twcc_.find(&transport); tw != twcc_.end() && tw->second.media_ssrc == 0) {
          tw->second.media_ssrc = l.ssrc;
        }
      }
      return routes_.emplace(RouteKey{&transport, packet.ssrc()}, Route{p.get(), nullptr, rtx, i}).first;
    }
  }
  return routes_.end();
}

void Room::record(Producer& producer, std::size_t layer, const rtc::rtp::RtpPacket& packet, bool keyframe,
                  TimePoint now) {
  if (!producer.record_selector) {
    for (const auto& tap : taps_) tap->packet(producer.track, packet, now);
    return;
  }
  auto& selector = *producer.record_selector;
  const auto decision = selector.on_packet(layer, keyframe, now);
  if (const auto want = selector.wanted_keyframe()) producer.layers[*want]->keyframes.request();
  if (!decision.forward) return;
  if (decision.switched) producer.record_rewriter->resync();
  const auto mapped = producer.record_rewriter->rewrite(producer.layers[layer]->params.ssrc,
                                                        packet.sequence_number(), packet.timestamp(), now);
  if (!mapped) return;
  record_buf_.assign(packet.bytes().begin(), packet.bytes().end());
  auto copy = rtc::rtp::RtpPacket::parse(record_buf_);
  if (!copy) return;
  // One SSRC for the whole recording, whichever layer it follows.
  copy->set_ssrc(producer.layers.front()->params.ssrc);
  copy->set_sequence_number(mapped->seq);
  copy->set_timestamp(mapped->timestamp);
  for (const auto& tap : taps_) tap->packet(producer.track, *copy, now);
}

void Room::announce(RecordingTap& tap, const Producer& producer) {
  const auto kind =
      producer.params.kind == MediaKind::kAudio ? archive::MediaKind::kAudio : archive::MediaKind::kVideo;
  tap.track_added(producer.track, producer.id,
                  producer.params.stream_id.empty() ? producer.id : producer.params.stream_id, kind);
}

void Room::add_recording_tap(std::shared_ptr<RecordingTap> tap) {
  for (const auto& [id, p] : producers_) announce(*tap, *p);
  taps_.push_back(std::move(tap));
}

void Room::remove_recording_tap(const std::string& archive_id) {
  std::erase_if(taps_, [&](const auto& tap) { return tap->archive_id() == archive_id; });
}

bool Room::request_keyframe(const std::string& producer_id) {
  const auto it = producers_.find(producer_id);
  if (it == producers_.end()) return false;
  Producer& p = *it->second;
  std::size_t layer = 0;
  if (p.record_selector) {
    // The layer the recording waits for, or follows; before any packet, the best one.
    const auto& selector = *p.record_selector;
    layer = selector.wanted_keyframe().value_or(selector.current().value_or(p.layers.size() - 1));
  }
  p.layers[layer]->keyframes.request();
  return true;
}

void Room::forward(Producer& producer, std::size_t layer, rtc::rtp::RtpPacket& packet, bool keyframe,
                   TimePoint now) {
  const std::uint32_t source_ssrc = producer.layers[layer]->params.ssrc;
  for (Consumer* c : producer.consumers) {
    if (c->paused || c->transport->state() != WebRtcTransport::State::kConnected) continue;
    if (c->selector) {
      if (c->needs_keyframe) {
        c->needs_keyframe = false;
        c->selector->restart(now);
      }
      const auto decision = c->selector->on_packet(layer, keyframe, now);
      // Waiting for a layer's keyframe (the start, a switch, a fallback): keep asking, merged and
      // rate-limited per layer by its requester.
      if (const auto want = c->selector->wanted_keyframe()) producer.layers[*want]->keyframes.request();
      if (!decision.forward) continue;
      if (decision.switched) c->rewriter.resync();
    } else if (c->needs_keyframe) {
      if (!keyframe) continue;
      c->needs_keyframe = false;
      c->rewriter.resync();
    }
    const auto mapped = c->rewriter.rewrite(source_ssrc, packet.sequence_number(), packet.timestamp(), now);
    if (!mapped) continue;
    // One buffer reused for every copy: after the first packets the forwarding path allocates
    // nothing (the capacity stays, including room for the SRTP tag).
    Bytes& out = forward_buf_;
    out.assign(packet.bytes().begin(), packet.bytes().end());
    auto view = rtc::rtp::RtpPacket::parse(out);
    if (!view) continue;
    view->set_ssrc(c->params.ssrc);
    view->set_sequence_number(mapped->seq);
    view->set_timestamp(mapped->timestamp);
    view->set_payload_type(c->params.payload_type);
    const std::size_t size = out.size();
    const auto payload_size = static_cast<std::uint32_t>(view->payload().size());
    // send_rtp encrypts `out` in place (and may reallocate it): the view is dead after this.
    if (c->transport->send_rtp(out)) {
      ++counters_.packets_out;
      counters_.bytes_out += size;
      ++c->packets_sent;
      c->octets_sent += payload_size;
    }
  }
}

void Room::on_rtcp(WebRtcTransport& transport, ByteSpan compound, TimePoint now) {
  const auto packets = rtcp::parse_packets(compound);
  if (!packets) {
    ++counters_.dropped_malformed;
    return;
  }
  auto consumer_for = [&](std::uint32_t ssrc) -> Consumer* {
    const auto it = routes_.find({&transport, ssrc});
    return it == routes_.end() ? nullptr : it->second.consumer;
  };
  for (const auto& packet : *packets) {
    if (const auto* nack = std::get_if<rtcp::Nack>(&packet)) {
      Consumer* c = consumer_for(nack->media_ssrc);
      if (c == nullptr) continue;
      const auto lost = nack->lost_sequence_numbers();
      std::vector<Bytes> resend;
      // The rewriter maps only the layer it forwards now, so that layer's cache answers.
      c->nack.answer(lost, c->rewriter, c->forwarded_layer().cache, now, resend);
      for (Bytes& p : resend) {
        const std::size_t size = p.size();
        if (c->transport->send_rtp(p)) {
          ++counters_.rtx_sent;
          counters_.bytes_out += size;
        }
      }
    } else if (const auto* pli = std::get_if<rtcp::Pli>(&packet)) {
      if (Consumer* c = consumer_for(pli->media_ssrc)) request_keyframe(*c);
    } else if (const auto* fir = std::get_if<rtcp::Fir>(&packet)) {
      for (const auto& entry : fir->entries) {
        if (Consumer* c = consumer_for(entry.ssrc)) request_keyframe(*c);
      }
    } else if (const auto* sr = std::get_if<rtcp::SenderReport>(&packet)) {
      const auto it = routes_.find({&transport, sr->ssrc});
      if (it != routes_.end() && it->second.producer != nullptr && !it->second.rtx) {
        Layer& layer = *it->second.producer->layers[it->second.layer];
        layer.receive.on_sender_report(sr->ntp_timestamp, now);
        layer.sender_clock = Layer::SenderClock{sr->ntp_timestamp, sr->rtp_timestamp, now};
      }
    } else if (const auto* rr = std::get_if<rtcp::ReceiverReport>(&packet)) {
      // RFC 3550 section 6.4.1: RTT = arrival - LSR - DLSR, with LSR matched to the SR we sent.
      for (const auto& block : rr->reports) {
        Consumer* c = consumer_for(block.ssrc);
        if (c == nullptr || block.last_sr == 0) continue;
        const auto sent = c->sr_sent.find(block.last_sr);
        if (sent == c->sr_sent.end()) continue;
        const auto dlsr =
            std::chrono::microseconds(std::int64_t{block.delay_since_last_sr} * 1'000'000 / 65536);
        const auto rtt = now - sent->second - dlsr;
        if (rtt > Duration::zero()) c->nack.set_rtt(rtt);
      }
    }
  }
  collect_closed();
}

void Room::send_producer_feedback(Producer& producer, TimePoint now) {
  if (producer.transport->state() != WebRtcTransport::State::kConnected) return;
  std::vector<rtcp::Packet> out;
  for (const auto& layer : producer.layers) {
    const std::uint32_t ssrc = layer->params.ssrc;
    if (ssrc == 0) continue;  // a rid layer not seen yet: nothing to ask of it
    const auto lost = layer->nacks.poll(now);
    if (!lost.empty()) {
      counters_.nacks_sent += lost.size();
      out.emplace_back(rtcp::Nack::from_lost(rtcp_ssrc_, ssrc, lost));
    }
    if (const auto request = layer->keyframes.poll(now)) {
      ++counters_.keyframe_requests;
      if (request->kind == KeyframeRequest::Kind::kFir) {
        out.emplace_back(rtcp::Fir{rtcp_ssrc_, 0, {{ssrc, request->fir_seq}}});
      } else {
        out.emplace_back(rtcp::Pli{rtcp_ssrc_, ssrc});
      }
    }
  }
  if (out.empty()) return;
  auto compound = rtcp::serialize(out);
  if (compound) producer.transport->send_rtcp(*compound);
}

std::uint64_t Room::ntp_now(TimePoint now) const {
  // NTP: seconds since 1900 in the high 32 bits, the fraction in the low 32 (RFC 3550 4).
  const std::int64_t unix_us =
      ntp_base_us_ + std::chrono::duration_cast<std::chrono::microseconds>(now - steady_base_).count();
  const auto seconds = static_cast<std::uint64_t>(unix_us / 1'000'000) + 2'208'988'800ULL;
  const auto fraction = (static_cast<std::uint64_t>(unix_us % 1'000'000) << 32) / 1'000'000;
  return (seconds << 32) | fraction;
}

void Room::send_reports(TimePoint now) {
  // RR for each stream we receive, on its publisher's transport.
  for (auto& [id, p] : producers_) {
    if (p->transport->state() != WebRtcTransport::State::kConnected) continue;
    rtcp::ReceiverReport rr;
    rr.ssrc = rtcp_ssrc_;
    for (const auto& layer : p->layers) {
      if (layer->receive.received() != 0)
        rr.reports.push_back(layer->receive.report(layer->params.ssrc, now));
    }
    if (rr.reports.empty()) continue;
    const rtcp::Packet packet = rr;
    auto compound = rtcp::serialize(std::span<const rtcp::Packet>(&packet, 1));
    if (compound) p->transport->send_rtcp(*compound);
  }
  // SR for each stream we send, on its subscriber's transport.
  const std::uint64_t ntp = ntp_now(now);
  for (auto& [id, c] : consumers_) {
    if (c->transport->state() != WebRtcTransport::State::kConnected || !c->rewriter.has_output()) continue;
    rtcp::SenderReport sr;
    sr.ssrc = c->params.ssrc;
    sr.ntp_timestamp = ntp;
    sr.rtp_timestamp = c->rewriter.last_timestamp();
    if (const auto& clock = c->forwarded_layer().sender_clock) {
      // Carry the publisher's own NTP <-> RTP mapping through (moved forward to now and into the
      // consumer's timestamps), so a subscriber lines up the publisher's audio and video exactly as
      // the publisher's SRs say (RFC 3550 section 6.4.1), whatever path each stream took here.
      const auto elapsed_us =
          std::chrono::duration_cast<std::chrono::microseconds>(now - clock->arrival).count();
      const auto elapsed = static_cast<std::uint64_t>(std::max<std::int64_t>(elapsed_us, 0));
      sr.ntp_timestamp = clock->ntp + (elapsed << 32) / 1'000'000;
      sr.rtp_timestamp = c->rewriter.map_timestamp(
          clock->rtp + static_cast<std::uint32_t>(elapsed * c->producer->params.clock_rate / 1'000'000));
    }
    sr.packet_count = c->packets_sent;
    sr.octet_count = c->octets_sent;
    const rtcp::Packet packet = sr;
    auto compound = rtcp::serialize(std::span<const rtcp::Packet>(&packet, 1));
    if (compound && c->transport->send_rtcp(*compound)) {
      c->sr_sent[static_cast<std::uint32_t>(sr.ntp_timestamp >> 16)] = now;
      while (c->sr_sent.size() > 8) c->sr_sent.erase(c->sr_sent.begin());
    }
  }
}

void Room::handle_timeout(TimePoint now) {
  if (steady_base_ == TimePoint{}) {
    steady_base_ = now;
    ntp_base_us_ = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  }
  for (auto& [id, t] : transports_) t->handle_timeout(now);
  for (auto& [id, p] : producers_) send_producer_feedback(*p, now);
  for (auto& [id, c] : consumers_) {
    // A target that went quiet is noticed even when no packet of the producer comes.
    if (c->selector && !c->paused && c->selector->on_timeout(now)) request_keyframe(*c);
  }
  if (now - last_twcc_ >= kTwccInterval) {
    last_twcc_ = now;
    for (auto& [t, tw] : twcc_) {
      if (t->state() != WebRtcTransport::State::kConnected) continue;
      const auto feedback = tw.recorder.poll(rtcp_ssrc_, tw.media_ssrc);
      if (feedback.empty()) continue;
      std::vector<rtcp::Packet> packets(feedback.begin(), feedback.end());
      auto compound = rtcp::serialize(packets);
      if (compound) t->send_rtcp(*compound);
    }
  }
  if (now - last_report_ >= kReportInterval) {
    last_report_ = now;
    send_reports(now);
  }
  collect_closed();
}

void Room::remove_consumer(Consumer* consumer) {
  auto& list = consumer->producer->consumers;
  list.erase(std::remove(list.begin(), list.end(), consumer), list.end());
  routes_.erase({consumer->transport, consumer->params.ssrc});
  const std::string id = consumer->id;
  consumers_.erase(id);
}

void Room::remove_producer(Producer* producer) {
  for (const auto& tap : taps_) tap->track_ended(producer->track);
  for (Consumer* c : std::vector<Consumer*>(producer->consumers)) remove_consumer(c);
  for (const auto& layer : producer->layers) {
    if (layer->params.ssrc != 0) routes_.erase({producer->transport, layer->params.ssrc});
    if (layer->params.rtx_ssrc) routes_.erase({producer->transport, *layer->params.rtx_ssrc});
  }
  const std::string id = producer->id;
  producers_.erase(id);
}

void Room::collect_closed() {
  // Removal waits until no transport callback is on the stack.
  for (const auto& [id, reason] : std::exchange(closed_, {})) {
    const auto it = transports_.find(id);
    if (it == transports_.end()) continue;
    const WebRtcTransport* t = it->second.get();
    std::vector<Producer*> producers;
    for (auto& [pid, p] : producers_) {
      if (p->transport == t) producers.push_back(p.get());
    }
    for (Producer* p : producers) remove_producer(p);
    std::vector<Consumer*> consumers;
    for (auto& [cid, c] : consumers_) {
      if (c->transport == t) consumers.push_back(c.get());
    }
    for (Consumer* c : consumers) remove_consumer(c);
    twcc_.erase(it->second.get());
    if (on_removed_) on_removed_(*t, reason);
    transports_.erase(it);
  }
}

RoomStats Room::stats() const {
  RoomStats s = counters_;
  s.transports = transports_.size();
  s.producers = producers_.size();
  s.consumers = consumers_.size();
  for (const auto& [id, p] : producers_) {
    for (const auto& layer : p->layers) s.packets_lost += layer->nacks.given_up_total();
  }
  for (const auto& [id, t] : transports_) s.dropped_malformed += t->stats().dropped_malformed;
  return s;
}

}  // namespace umbra::router
