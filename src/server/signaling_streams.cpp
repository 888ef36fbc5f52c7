#include "server/signaling_hub.h"

#include "common/log.h"
#include "server/json_views.h"
#include "server/signaling_internal.h"

namespace umbra::server {

using nlohmann::json;
using namespace signaling;

// ---- streams
// ------------------------------------------------------------------------------------------------

void SignalingHub::handle_publish(Room& room, LiveConnection& self, const Request& r, std::int64_t now_ms) {
  ClientLink& link = *self.link;
  if (!can_publish(self.role)) {
    return fail(link, r.id, "forbidden", "a subscriber token cannot publish");
  }
  const auto stream_it = r.body.find("stream");
  const json empty = json::object();
  const json& props = stream_it != r.body.end() && stream_it->is_object() ? *stream_it : empty;
  if (stream_it != r.body.end() && !stream_it->is_object()) {
    return fail(link, r.id, "bad_request", "stream must be an object");
  }
  Fields f(props);
  const auto name = f.string("name", kMaxStreamNameSize, false);
  const auto has_audio = f.boolean("hasAudio");
  const auto has_video = f.boolean("hasVideo");
  const auto video_type = f.string("videoType", 16, false);
  const auto dims = f.dimensions("videoDimensions");
  Fields top(r.body);
  const auto sdp = top.string("sdp", kMaxSdpSize, false);
  if (!f.ok()) return fail(link, r.id, f.code(), f.problem());
  if (!top.ok()) return fail(link, r.id, top.code(), top.problem());
  if (video_type && *video_type != "camera" && *video_type != "screen") {
    return fail(link, r.id, "bad_request", "videoType must be camera or screen");
  }
  if (self.streams.size() >= config_.max_streams_per_connection) {
    return fail(link, r.id, "conflict", "at most 8 streams per connection");
  }
  if (room.session.media_mode == MediaMode::kRouted) {
    if (!router_.available()) return fail(link, r.id, "router_unavailable", kRouterUnavailableMessage);
    if (!sdp) return fail(link, r.id, "bad_request", "a routed publish carries the SDP offer in sdp");
  }

  LiveStream stream;
  stream.id = random_id("str_", 12);
  stream.connection_id = self.id;
  stream.name = name.value_or("");
  stream.has_audio = has_audio.value_or(true);
  stream.has_video = has_video.value_or(true);
  stream.video_type = video_type.value_or("camera");
  stream.video_dimensions = dims;
  stream.created_at_ms = now_ms;
  if (room.session.media_mode == MediaMode::kRouted) {
    return routed_publish(room, self, r, std::move(stream), *sdp);
  }
  const std::string id = stream.id;
  const auto& stored = room.streams.emplace(id, std::move(stream)).first->second;
  self.streams.push_back(id);
  ++counters_.streams_total;
  log::info("signaling", "stream published",
            {{"session", room.session.id}, {"conn", self.id}, {"stream", id}});
  reply(link, r.id, {{"streamId", id}});
  broadcast(room, {{"type", "streamCreated"}, {"stream", stream_json(stored)}}, self.id);
  if (archive_hooks_.stream_published) archive_hooks_.stream_published(room.session, id);
}

void SignalingHub::handle_unpublish(Room& room, LiveConnection& self, const Request& r) {
  ClientLink& link = *self.link;
  Fields f(r.body);
  const auto stream_id = f.string("streamId", 64, true);
  if (!f.ok()) return fail(link, r.id, f.code(), f.problem());
  const auto it = room.streams.find(*stream_id);
  if (it == room.streams.end() || it->second.connection_id != self.id) {
    return fail(link, r.id, "not_found", "no such stream of yours");
  }
  reply(link, r.id);
  destroy_stream(room, *stream_id, "unpublished");
}

void SignalingHub::handle_update_stream(Room& room, LiveConnection& self, const Request& r) {
  ClientLink& link = *self.link;
  Fields f(r.body);
  const auto stream_id = f.string("streamId", 64, true);
  const auto has_audio = f.boolean("hasAudio");
  const auto has_video = f.boolean("hasVideo");
  const auto dims = f.dimensions("videoDimensions");
  const auto name = f.string("name", kMaxStreamNameSize, false);
  if (!f.ok()) return fail(link, r.id, f.code(), f.problem());
  const auto it = room.streams.find(*stream_id);
  if (it == room.streams.end() || it->second.connection_id != self.id) {
    return fail(link, r.id, "not_found", "no such stream of yours");
  }
  LiveStream& s = it->second;
  reply(link, r.id);
  const auto changed = [&](const char* property, json old_value, json new_value) {
    broadcast(room,
              {{"type", "streamPropertyChanged"},
               {"streamId", s.id},
               {"property", property},
               {"oldValue", std::move(old_value)},
               {"newValue", std::move(new_value)}},
              self.id);
  };
  if (has_audio && *has_audio != s.has_audio) {
    s.has_audio = *has_audio;
    changed("hasAudio", !s.has_audio, s.has_audio);
  }
  if (has_video && *has_video != s.has_video) {
    s.has_video = *has_video;
    changed("hasVideo", !s.has_video, s.has_video);
  }
  if (dims && dims != s.video_dimensions) {
    json old_value = nullptr;
    if (s.video_dimensions)
      old_value = {{"width", s.video_dimensions->width}, {"height", s.video_dimensions->height}};
    s.video_dimensions = dims;
    changed("videoDimensions", std::move(old_value), {{"width", dims->width}, {"height", dims->height}});
  }
  if (name && *name != s.name) {
    std::string old_name = std::exchange(s.name, *name);
    changed("name", std::move(old_name), s.name);
  }
}

void SignalingHub::destroy_stream(Room& room, const std::string& stream_id, const std::string& reason) {
  const auto it = room.streams.find(stream_id);
  if (it == room.streams.end()) return;
  const LiveStream stream = std::move(it->second);
  room.streams.erase(it);
  if (!stream.transport_id.empty()) router_.close_transport(stream.transport_id);
  for (const auto& subscriber : stream.subscribers) {
    const auto c = room.connections.find(subscriber);
    if (c == room.connections.end()) continue;
    c->second.subscriptions.erase(stream_id);
    close_subscription_transport(c->second, stream_id);
  }
  const auto owner = room.connections.find(stream.connection_id);
  if (owner != room.connections.end()) std::erase(owner->second.streams, stream_id);
  log::info("signaling", "stream destroyed",
            {{"session", room.session.id}, {"stream", stream_id}, {"reason", reason}});
  broadcast(room,
            {{"type", "streamDestroyed"},
             {"streamId", stream_id},
             {"connectionId", stream.connection_id},
             {"reason", reason}},
            stream.connection_id);
  if (archive_hooks_.stream_destroyed) archive_hooks_.stream_destroyed(room.session, stream_id);
}

// ---- subscriptions
// ------------------------------------------------------------------------------------------

void SignalingHub::handle_subscribe(Room& room, LiveConnection& self, const Request& r) {
  ClientLink& link = *self.link;
  if (!can_subscribe(self.role)) {
    return fail(link, r.id, "forbidden", "a publisheronly token cannot subscribe");
  }
  Fields f(r.body);
  const auto stream_id = f.string("streamId", 64, true);
  if (!f.ok()) return fail(link, r.id, f.code(), f.problem());
  const auto it = room.streams.find(*stream_id);
  if (it == room.streams.end()) return fail(link, r.id, "not_found", "no such stream in this session");
  LiveStream& stream = it->second;
  if (room.session.media_mode == MediaMode::kRouted) {
    if (!router_.available()) return fail(link, r.id, "router_unavailable", kRouterUnavailableMessage);
    if (r.type == "subscribeAnswer") return routed_subscribe_answer(room, self, r);
    if (stream.connection_id == self.id)
      return fail(link, r.id, "conflict", "you cannot subscribe to your own stream");
    if (stream.subscribers.contains(self.id)) return fail(link, r.id, "conflict", "already subscribed");
    return routed_subscribe(room, self, r, stream);
  }
  if (r.type == "subscribeAnswer")
    return fail(link, r.id, "routed_required", "subscribeAnswer is for routed sessions");
  if (stream.connection_id == self.id)
    return fail(link, r.id, "conflict", "you cannot subscribe to your own stream");
  if (stream.subscribers.contains(self.id)) return fail(link, r.id, "conflict", "already subscribed");
  stream.subscribers.insert(self.id);
  self.subscriptions.insert(stream.id);
  reply(link, r.id, {{"streamId", stream.id}});
  send_to(room, stream.connection_id,
          {{"type", "subscriberAdded"}, {"streamId", stream.id}, {"connectionId", self.id}});
}

void SignalingHub::handle_unsubscribe(Room& room, LiveConnection& self, const Request& r) {
  ClientLink& link = *self.link;
  Fields f(r.body);
  const auto stream_id = f.string("streamId", 64, true);
  if (!f.ok()) return fail(link, r.id, f.code(), f.problem());
  const auto it = room.streams.find(*stream_id);
  if (it == room.streams.end() || !it->second.subscribers.contains(self.id)) {
    return fail(link, r.id, "not_found", "not subscribed to that stream");
  }
  it->second.subscribers.erase(self.id);
  self.subscriptions.erase(*stream_id);
  close_subscription_transport(self, *stream_id);
  reply(link, r.id);
  send_to(room, it->second.connection_id,
          {{"type", "subscriberRemoved"}, {"streamId", *stream_id}, {"connectionId", self.id}});
}

void SignalingHub::handle_update_subscription(Room& room, LiveConnection& self, const Request& r) {
  ClientLink& link = *self.link;
  Fields f(r.body);
  const auto stream_id = f.string("streamId", 64, true);
  const auto audio = f.boolean("audio");
  const auto video = f.boolean("video");
  const auto layer_name = f.string("preferredLayer", 16, false);
  if (!f.ok()) return fail(link, r.id, f.code(), f.problem());
  const auto it = room.streams.find(*stream_id);
  if (it == room.streams.end() || !it->second.subscribers.contains(self.id)) {
    return fail(link, r.id, "not_found", "not subscribed to that stream");
  }
  // Simulcast: the highest layer the router may forward (low/medium/high = layer 0/1/2, clamped to
  // the layers the publisher sends). Checked before anything changes, so an error changes nothing.
  std::optional<std::size_t> layer;
  if (layer_name) {
    if (*layer_name == "low") layer = 0;
    if (*layer_name == "medium") layer = 1;
    if (*layer_name == "high") layer = 2;
    if (!layer) return fail(link, r.id, "bad_request", "preferredLayer must be low, medium or high");
    if (room.session.media_mode != MediaMode::kRouted)
      return fail(link, r.id, "routed_required", "layers are chosen by the router (routed sessions only)");
    if (it->second.video_layers < 2)
      return fail(link, r.id, "not_simulcast", "that stream is not published with simulcast");
    layer = std::min(*layer, it->second.video_layers - 1);
  }
  // Routed: the router stops forwarding what the subscriber does not want (relayed: the SDK's business).
  if (const auto routed = self.routed.find(*stream_id); routed != self.routed.end()) {
    for (const auto& [kind, consumer_id] : routed->second.consumers) {
      const auto& wanted = kind == "audio" ? audio : video;
      if (wanted) router_.set_consumer_paused(consumer_id, !*wanted);
      if (layer && kind == "video") router_.set_consumer_preferred_layer(consumer_id, *layer);
    }
  }
  reply(link, r.id);
}

void SignalingHub::handle_relay(Room& room, LiveConnection& self, const Request& r) {
  ClientLink& link = *self.link;
  if (room.session.media_mode != MediaMode::kRelayed) {
    return fail(link, r.id, "relayed_required", r.type + " relays are for relayed sessions only");
  }
  Fields f(r.body);
  const auto to = f.string("to", 64, true);
  const auto stream_id = f.string("streamId", 64, true);
  std::optional<std::string> sdp;
  if (r.type != "candidate") sdp = f.string("sdp", kMaxSdpSize, true);
  if (!f.ok()) return fail(link, r.id, f.code(), f.problem());
  json candidate = nullptr;
  if (r.type == "candidate") {
    const auto c = r.body.find("candidate");
    if (c != r.body.end() && !c->is_null() && !c->is_object()) {
      return fail(link, r.id, "bad_request", "candidate must be an object or null");
    }
    if (c != r.body.end()) candidate = *c;
  }
  const auto s = room.streams.find(*stream_id);
  const auto target = room.connections.find(*to);
  if (s == room.streams.end() || target == room.connections.end()) {
    return fail(link, r.id, "not_found", "no such stream or connection in this session");
  }
  const LiveStream& stream = s->second;
  const bool from_publisher = stream.connection_id == self.id && stream.subscribers.contains(*to);
  const bool from_subscriber = stream.connection_id == *to && stream.subscribers.contains(self.id);
  const bool allowed = r.type == "offer"    ? from_publisher
                       : r.type == "answer" ? from_subscriber
                                            : (from_publisher || from_subscriber);
  if (!allowed) {
    return fail(link, r.id, "forbidden",
                r.type +
                    " must go between a stream's publisher and one of its subscribers (offer from the "
                    "publisher, answer from the subscriber)");
  }
  json relayed = {{"type", r.type}, {"from", self.id}, {"streamId", stream.id}};
  if (sdp) relayed["sdp"] = *sdp;
  if (r.type == "candidate") relayed["candidate"] = std::move(candidate);
  reply(link, r.id);
  send(target->second.link, relayed);
}

}  // namespace umbra::server
