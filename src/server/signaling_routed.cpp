// Routed sessions: publish and subscribe negotiated with the media router through MediaRouter
// (docs/protocol.md 3.5, 3.6). A publish is answered, and its stream announced, only once the router
// has its transport and producers; a subscribe is answered with the router's offer once the consumers
// exist, and the browser's answer connects the transport.
#include <memory>

#include "common/log.h"
#include "rtc/sdp/parser.h"
#include "server/json_views.h"
#include "server/routed_sdp.h"
#include "server/signaling_hub.h"
#include "server/signaling_internal.h"

namespace umbra::server {

using nlohmann::json;
using namespace signaling;

LiveConnection* SignalingHub::find_connection(const std::string& session_id,
                                              const std::string& connection_id) {
  Room* room = room_of(session_id);
  if (room == nullptr) return nullptr;
  const auto it = room->connections.find(connection_id);
  return it == room->connections.end() ? nullptr : &it->second;
}

void SignalingHub::reply_later(const std::string& session_id, const std::string& connection_id,
                               const json& request_id, json result) {
  LiveConnection* c = find_connection(session_id, connection_id);
  if (c != nullptr && c->link != nullptr) reply(*c->link, request_id, std::move(result));
}

void SignalingHub::fail_later(const std::string& session_id, const std::string& connection_id,
                              const json& request_id, std::string_view code, std::string_view message) {
  log::warn("signaling", "routed negotiation failed",
            {{"session", session_id}, {"conn", connection_id}, {"code", code}, {"why", message}});
  LiveConnection* c = find_connection(session_id, connection_id);
  if (c != nullptr && c->link != nullptr) fail(*c->link, request_id, code, message);
}

void SignalingHub::close_subscription_transport(LiveConnection& subscriber, const std::string& stream_id) {
  const auto it = subscriber.routed.find(stream_id);
  if (it == subscriber.routed.end()) return;
  if (!it->second.transport_id.empty()) router_.close_transport(it->second.transport_id);
  subscriber.routed.erase(it);
}

void SignalingHub::on_transport_closed(const std::string& transport_id, const std::string& router_reason) {
  if (transport_id.empty()) return;
  for (auto& [session_id, room] : rooms_) {
    for (const auto& [stream_id, stream] : room.streams) {
      if (stream.transport_id != transport_id) continue;
      // The publisher's media path is dead: nobody receives this stream any more, so it goes, and the
      // publisher hears it too (it may publish again). destroy_stream feeds the archive hooks.
      const std::string id = stream_id;
      const std::string publisher = stream.connection_id;
      log::warn("signaling", "publisher transport closed by the router",
                {{"session", session_id}, {"conn", publisher}, {"stream", id}, {"why", router_reason}});
      destroy_stream(room, id, kMediaFailed);
      send_to(room, publisher,
              {{"type", "streamDestroyed"},
               {"streamId", id},
               {"connectionId", publisher},
               {"reason", kMediaFailed}});
      return;
    }
    for (auto& [connection_id, connection] : room.connections) {
      for (const auto& [stream_id, subscription] : connection.routed) {
        if (subscription.transport_id != transport_id) continue;
        // Only this subscriber lost the stream; it stays published for everyone else.
        const std::string id = stream_id;
        log::warn("signaling", "subscriber transport closed by the router",
                  {{"session", session_id}, {"conn", connection_id}, {"stream", id}, {"why", router_reason}});
        connection.routed.erase(id);
        connection.subscriptions.erase(id);
        send(connection.link, {{"type", "subscriptionFailed"}, {"streamId", id}, {"reason", kMediaFailed}});
        const auto s = room.streams.find(id);
        if (s != room.streams.end()) {
          s->second.subscribers.erase(connection_id);
          send_to(room, s->second.connection_id,
                  {{"type", "subscriberRemoved"}, {"streamId", id}, {"connectionId", connection_id}});
        }
        return;
      }
    }
  }
}

namespace {

struct PendingPublish {
  std::string session_id;
  std::string connection_id;
  json request_id;
  LiveStream stream;
  rtc::sdp::SessionDescription offer;
  std::string answer_sdp;
  int remaining = 0;
  bool failed = false;
  RouterError error;
};

// The implicit default constructor is noexcept and reaches the `t == value_t::null` throw in
// nlohmann's json_value(value_t), which is unreachable (null has its own case): a false positive.
// NOLINTNEXTLINE(bugprone-exception-escape)
struct PendingSubscribe {
  std::string session_id;
  std::string connection_id;
  std::string stream_id;
  json request_id;
  TransportInfo transport;
  std::vector<ConsumerInfo> consumers;
  int remaining = 0;
  bool failed = false;
  RouterError error;
};

}  // namespace

void SignalingHub::routed_publish(Room& room, LiveConnection& self, const Request& r, LiveStream stream,
                                  const std::string& sdp) {
  auto offer = rtc::sdp::parse(sdp);
  if (!offer)
    return fail(*self.link, r.id, "bad_request", "the SDP offer does not parse: " + to_string(offer.error()));
  auto pending = std::make_shared<PendingPublish>();
  pending->session_id = room.session.id;
  pending->connection_id = self.id;
  pending->request_id = r.id;
  pending->stream = std::move(stream);
  pending->offer = std::move(*offer);
  const bool e2ee = room.session.e2ee;

  // The last completion (connect + every produce) decides.
  auto finish = [this, pending] {
    Room* live_room = room_of(pending->session_id);
    LiveConnection* owner = find_connection(pending->session_id, pending->connection_id);
    if (pending->failed || owner == nullptr || live_room == nullptr) {
      router_.close_transport(pending->stream.transport_id);
      if (pending->failed)
        fail_later(pending->session_id, pending->connection_id, pending->request_id, pending->error.code,
                   pending->error.message);
      return;
    }
    const std::string id = pending->stream.id;
    const auto& stored = live_room->streams.emplace(id, std::move(pending->stream)).first->second;
    owner->streams.push_back(id);
    ++counters_.streams_total;
    log::info("signaling", "stream published (routed)",
              {{"session", live_room->session.id}, {"conn", owner->id}, {"stream", id}});
    if (owner->link != nullptr) {
      reply(*owner->link, pending->request_id, {{"streamId", id}, {"sdp", pending->answer_sdp}});
    }
    broadcast(*live_room, {{"type", "streamCreated"}, {"stream", stream_json(stored)}}, owner->id);
    if (archive_hooks_.stream_published) archive_hooks_.stream_published(live_room->session, id);
  };

  TransportOptions options{room.session.id, self.id, e2ee};
  router_.create_transport(options, [this, pending, e2ee, finish](RouterOutcome<TransportInfo> created) {
    if (!created.value) {
      return fail_later(pending->session_id, pending->connection_id, pending->request_id,
                        created.error.code.empty() ? "router_error" : created.error.code,
                        created.error.message);
    }
    pending->stream.transport_id = created.value->transport_id;
    if (find_connection(pending->session_id, pending->connection_id) == nullptr) {
      router_.close_transport(pending->stream.transport_id);
      return;
    }
    auto plan = plan_publish(pending->offer, *created.value, e2ee, pending->stream.id);
    if (!plan) {
      router_.close_transport(pending->stream.transport_id);
      return fail_later(pending->session_id, pending->connection_id, pending->request_id,
                        "negotiation_failed", plan.error());
    }
    pending->answer_sdp = std::move(plan->answer_sdp);
    pending->remaining = 1 + static_cast<int>(plan->producers.size());
    const auto done_one = [pending, finish](bool ok, const RouterError& error) {
      if (!ok && !pending->failed) {
        pending->failed = true;
        pending->error = error;
      }
      if (--pending->remaining == 0) finish();
    };
    const std::string tid = pending->stream.transport_id;
    router_.connect_transport(tid, plan->dtls, [done_one](const RouterOutcome<RouterDone>& connected) {
      done_one(connected.value.has_value(), connected.error);
    });
    for (const auto& producer : plan->producers) {
      if (producer.kind == "video")
        pending->stream.video_layers = std::max<std::size_t>(1, producer.rtp.encodings.size());
      router_.produce(tid, producer, [pending, done_one](RouterOutcome<ProducerInfo> produced) {
        if (produced.value) pending->stream.producer_ids.push_back(produced.value->producer_id);
        done_one(produced.value.has_value(), produced.error);
      });
    }
  });
}

void SignalingHub::routed_subscribe(Room& room, LiveConnection& self, const Request& r, LiveStream& stream) {
  if (stream.producer_ids.empty()) return fail(*self.link, r.id, "not_found", "that stream has no media yet");
  // Recorded now so a second subscribe is a conflict and leaving cleans up; the transport id follows.
  stream.subscribers.insert(self.id);
  self.subscriptions.insert(stream.id);
  self.routed[stream.id] = RoutedSubscription{};

  auto pending = std::make_shared<PendingSubscribe>();
  pending->session_id = room.session.id;
  pending->connection_id = self.id;
  pending->stream_id = stream.id;
  pending->request_id = r.id;
  const std::vector<std::string> producers = stream.producer_ids;

  // Still wanted? Only if the stream exists and this subscription is the one we started.
  auto subscription = [this, pending]() -> RoutedSubscription* {
    LiveConnection* subscriber = find_connection(pending->session_id, pending->connection_id);
    Room* live_room = room_of(pending->session_id);
    if (subscriber == nullptr || live_room == nullptr || !live_room->streams.contains(pending->stream_id)) {
      return nullptr;
    }
    const auto it = subscriber->routed.find(pending->stream_id);
    if (it == subscriber->routed.end()) return nullptr;
    if (!it->second.transport_id.empty() && it->second.transport_id != pending->transport.transport_id)
      return nullptr;
    return &it->second;
  };
  auto abandon = [this, pending](std::string_view code, std::string_view message) {
    router_.close_transport(pending->transport.transport_id);
    Room* live_room = room_of(pending->session_id);
    LiveConnection* subscriber = find_connection(pending->session_id, pending->connection_id);
    if (live_room != nullptr && subscriber != nullptr) {
      const auto s = live_room->streams.find(pending->stream_id);
      const auto mine = subscriber->routed.find(pending->stream_id);
      if (mine != subscriber->routed.end() &&
          (mine->second.transport_id.empty() ||
           mine->second.transport_id == pending->transport.transport_id)) {
        subscriber->routed.erase(mine);
        subscriber->subscriptions.erase(pending->stream_id);
        if (s != live_room->streams.end()) s->second.subscribers.erase(subscriber->id);
      }
    }
    fail_later(pending->session_id, pending->connection_id, pending->request_id, code, message);
  };

  TransportOptions options{room.session.id, self.id, room.session.e2ee};
  router_.create_transport(options, [this, pending, producers, subscription,
                                     abandon](RouterOutcome<TransportInfo> created) {
    if (!created.value) {
      return abandon(created.error.code.empty() ? "router_error" : created.error.code, created.error.message);
    }
    pending->transport = *created.value;
    RoutedSubscription* sub = subscription();
    if (sub == nullptr) {
      router_.close_transport(pending->transport.transport_id);
      return;
    }
    sub->transport_id = pending->transport.transport_id;
    pending->remaining = static_cast<int>(producers.size());
    for (const auto& producer_id : producers) {
      router_.consume(pending->transport.transport_id, {producer_id, false},
                      [this, pending, subscription, abandon](RouterOutcome<ConsumerInfo> consumed) {
                        if (consumed.value) {
                          pending->consumers.push_back(*consumed.value);
                        } else if (!pending->failed) {
                          pending->failed = true;
                          pending->error = consumed.error;
                        }
                        if (--pending->remaining > 0) return;
                        if (pending->failed) return abandon(pending->error.code, pending->error.message);
                        RoutedSubscription* wanted = subscription();
                        if (wanted == nullptr) return;  // unsubscribed meanwhile: already closed
                        for (const auto& c : pending->consumers) {
                          wanted->consumers.emplace_back(c.kind, c.consumer_id);
                        }
                        wanted->offer_sdp =
                            subscribe_offer(pending->consumers, pending->transport, pending->stream_id);
                        reply_later(pending->session_id, pending->connection_id, pending->request_id,
                                    {{"streamId", pending->stream_id}, {"sdp", wanted->offer_sdp}});
                      });
    }
  });
}

void SignalingHub::routed_subscribe_answer(Room& room, LiveConnection& self, const Request& r) {
  ClientLink& link = *self.link;
  Fields f(r.body);
  const auto stream_id = f.string("streamId", 64, true);
  const auto sdp = f.string("sdp", kMaxSdpSize, true);
  if (!f.ok()) return fail(link, r.id, f.code(), f.problem());
  const auto it = self.routed.find(*stream_id);
  if (it == self.routed.end() || it->second.transport_id.empty()) {
    return fail(link, r.id, "not_found", "no subscription of yours waits for an answer on that stream");
  }
  const auto answer = rtc::sdp::parse(*sdp);
  if (!answer)
    return fail(link, r.id, "bad_request", "the SDP answer does not parse: " + to_string(answer.error()));
  const auto dtls = client_dtls(*answer);
  if (!dtls) return fail(link, r.id, "bad_request", dtls.error());
  const std::string session_id = room.session.id;
  const std::string connection_id = self.id;
  const json request_id = r.id;
  router_.connect_transport(
      it->second.transport_id, *dtls,
      [this, session_id, connection_id, request_id](const RouterOutcome<RouterDone>& connected) {
        if (!connected.value) {
          return fail_later(session_id, connection_id, request_id, "negotiation_failed",
                            connected.error.message);
        }
        reply_later(session_id, connection_id, request_id, json::object());
      });
}

// ---- ICE restart (docs/protocol.md 3.13) ------------------------------------------------------------------

void SignalingHub::handle_restart_ice(Room& room, LiveConnection& self, const Request& r) {
  ClientLink& link = *self.link;
  Fields f(r.body);
  const auto stream_id = f.string("streamId", 64, true);
  if (!f.ok()) return fail(link, r.id, f.code(), f.problem());
  if (room.session.media_mode != MediaMode::kRouted)
    return fail(link, r.id, "routed_required", "relayed sessions restart ICE with a new offer (section 3.7)");
  if (!router_.available()) return fail(link, r.id, "router_unavailable", kRouterUnavailableMessage);
  const auto stream = room.streams.find(*stream_id);
  if (stream == room.streams.end()) return fail(link, r.id, "not_found", "no such stream in this session");
  if (r.type == "restartIce" && stream->second.connection_id == self.id)
    return restart_publisher_ice(room, self, r, stream->second);
  const auto sub = self.routed.find(*stream_id);
  if (sub == self.routed.end())
    return fail(link, r.id, "not_found", "that stream is neither yours nor one you subscribe to");
  if (sub->second.transport_id.empty() || sub->second.offer_sdp.empty())
    return fail(link, r.id, "conflict", "the subscription is still being negotiated");
  if (r.type == "restartIce") return restart_subscriber_ice(room, self, r, *stream_id);

  // restartIceAnswer: the browser took the restarted offer. The router accepts its checks by our new
  // ufrag and password (their MESSAGE-INTEGRITY), as for the first answer, so only the DTLS side matters:
  // an ICE restart must not change it.
  const auto sdp = f.string("sdp", kMaxSdpSize, true);
  if (!f.ok()) return fail(link, r.id, f.code(), f.problem());
  const auto answer = rtc::sdp::parse(*sdp);
  if (!answer)
    return fail(link, r.id, "bad_request", "the SDP answer does not parse: " + to_string(answer.error()));
  if (remote_ice_ufrag(*answer).empty())
    return fail(link, r.id, "bad_request", "the answer has no a=ice-ufrag");
  const auto dtls = client_dtls(*answer);
  if (!dtls) return fail(link, r.id, "bad_request", dtls.error());
  reply(link, r.id);
}

void SignalingHub::restart_publisher_ice(Room& room, LiveConnection& self, const Request& r,
                                         LiveStream& stream) {
  ClientLink& link = *self.link;
  Fields f(r.body);
  const auto sdp = f.string("sdp", kMaxSdpSize, true);
  if (!f.ok()) return fail(link, r.id, f.code(), f.problem());
  if (stream.transport_id.empty())
    return fail(link, r.id, "conflict", "the stream is still being negotiated");
  auto parsed = rtc::sdp::parse(*sdp);
  if (!parsed)
    return fail(link, r.id, "bad_request", "the SDP offer does not parse: " + to_string(parsed.error()));
  auto offer = std::make_shared<rtc::sdp::SessionDescription>(std::move(*parsed));
  const std::string ufrag = remote_ice_ufrag(*offer);
  if (ufrag.empty()) return fail(link, r.id, "bad_request", "the offer has no a=ice-ufrag");

  const std::string session_id = room.session.id;
  const std::string connection_id = self.id;
  const std::string stream_id = stream.id;
  const std::string transport_id = stream.transport_id;
  const json request_id = r.id;
  router_.restart_ice(
      transport_id, ufrag,
      [this, session_id, connection_id, stream_id, transport_id, request_id,
       offer](RouterOutcome<TransportInfo> restarted) {
        if (!restarted.value) {
          return fail_later(session_id, connection_id, request_id,
                            restarted.error.code.empty() ? "router_error" : restarted.error.code,
                            restarted.error.message);
        }
        // Still the same stream on the same transport? (Unpublished or failed meanwhile: not_found.)
        Room* live_room = room_of(session_id);
        const auto s =
            live_room == nullptr ? decltype(live_room->streams.end()){} : live_room->streams.find(stream_id);
        if (live_room == nullptr || s == live_room->streams.end() || s->second.transport_id != transport_id)
          return fail_later(session_id, connection_id, request_id, "not_found", "the stream is gone");
        auto answer = restart_publish_answer(*offer, *restarted.value, live_room->session.e2ee,
                                             s->second.producer_ids.size());
        if (!answer)
          return fail_later(session_id, connection_id, request_id, "negotiation_failed", answer.error());
        log::info("signaling", "ice restarted (publisher)",
                  {{"session", session_id}, {"conn", connection_id}, {"stream", stream_id}});
        reply_later(session_id, connection_id, request_id, {{"streamId", stream_id}, {"sdp", *answer}});
      });
}

void SignalingHub::restart_subscriber_ice(Room& room, LiveConnection& self, const Request& r,
                                          const std::string& stream_id) {
  if (r.body.contains("sdp"))
    return fail(
        *self.link, r.id, "bad_request",
        "a subscriber's restartIce carries no sdp: the server offers, the answer is restartIceAnswer");
  const std::string session_id = room.session.id;
  const std::string connection_id = self.id;
  const std::string transport_id = self.routed.at(stream_id).transport_id;
  const json request_id = r.id;
  // The browser's new ufrag is not known until its answer; the router takes checks from any (as for
  // the first subscribe, whose ufrag it never learns either).
  router_.restart_ice(
      transport_id, "",
      [this, session_id, connection_id, stream_id, transport_id,
       request_id](RouterOutcome<TransportInfo> restarted) {
        if (!restarted.value) {
          return fail_later(session_id, connection_id, request_id,
                            restarted.error.code.empty() ? "router_error" : restarted.error.code,
                            restarted.error.message);
        }
        LiveConnection* subscriber = find_connection(session_id, connection_id);
        const auto sub =
            subscriber == nullptr ? decltype(subscriber->routed.end()){} : subscriber->routed.find(stream_id);
        if (subscriber == nullptr || sub == subscriber->routed.end() ||
            sub->second.transport_id != transport_id)
          return fail_later(session_id, connection_id, request_id, "not_found", "the subscription is gone");
        auto offer = restart_subscribe_offer(sub->second.offer_sdp, *restarted.value);
        if (!offer)
          return fail_later(session_id, connection_id, request_id, "negotiation_failed", offer.error());
        sub->second.offer_sdp = *offer;
        log::info("signaling", "ice restarted (subscriber)",
                  {{"session", session_id}, {"conn", connection_id}, {"stream", stream_id}});
        reply_later(session_id, connection_id, request_id, {{"streamId", stream_id}, {"sdp", *offer}});
      });
}

}  // namespace umbra::server
