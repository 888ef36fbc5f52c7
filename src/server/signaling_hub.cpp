#include "server/signaling_hub.h"

#include <algorithm>

#include "common/log.h"
#include "server/json_views.h"
#include "server/signaling_internal.h"

namespace umbra::server {

using nlohmann::json;
using namespace signaling;

struct SignalingHub::LinkState {
  std::int64_t opened_ms = 0;
  std::string session_id;     // set once joined
  std::string connection_id;  // set once joined
  RateLimiter bucket;
  int dropped = 0;
  std::int64_t last_rate_error_ms = -kRateErrorIntervalMs;
  bool closing = false;

  LinkState(std::int64_t now, double capacity, double rate) : opened_ms(now), bucket(capacity, rate) {}
  bool joined() const { return !connection_id.empty(); }
};

SignalingHub::SignalingHub(HubConfig config, SessionLookup lookup, MediaRouter& router)
    : config_(std::move(config)), lookup_(std::move(lookup)), router_(router) {
  router_.set_on_transport_closed([this](const std::string& transport_id, const std::string& reason) {
    on_transport_closed(transport_id, reason);
  });
}

// The router outlives the hub (it is made first); a closure it reports later must not reach us.
SignalingHub::~SignalingHub() {
  router_.set_on_transport_closed({});
}

// ---- plumbing ----------------------------------------------------------------------------------------

void SignalingHub::send(ClientLink* link, const json& message) {
  if (link == nullptr) return;
  link->send(message.dump(-1, ' ', false, json::error_handler_t::replace));
}

void SignalingHub::broadcast(const Room& room, const json& message, const std::string& except_connection_id) {
  const std::string text = message.dump(-1, ' ', false, json::error_handler_t::replace);
  for (const auto& [id, connection] : room.connections) {
    if (id != except_connection_id && connection.link != nullptr) connection.link->send(text);
  }
}

void SignalingHub::send_to(const Room& room, const std::string& connection_id, const json& message) {
  const auto it = room.connections.find(connection_id);
  if (it != room.connections.end()) send(it->second.link, message);
}

void SignalingHub::reply(ClientLink& link, const json& request_id, json result) {
  result["type"] = "response";
  result["requestId"] = request_id;
  send(&link, result);
}

void SignalingHub::fail(ClientLink& link, const json& request_id, std::string_view code,
                        std::string_view message) {
  ++counters_.errors_total;
  json error = {{"type", "error"}, {"code", code}, {"message", message}};
  if (!request_id.is_null()) error["requestId"] = request_id;
  send(&link, error);
}

void SignalingHub::close_link(ClientLink& link, std::uint16_t code, std::string_view reason) {
  links_.erase(&link);
  link.close(code, reason);
}

Room* SignalingHub::room_of(const std::string& session_id) {
  const auto it = rooms_.find(session_id);
  return it == rooms_.end() ? nullptr : &it->second;
}

const Room* SignalingHub::room_of(const std::string& session_id) const {
  const auto it = rooms_.find(session_id);
  return it == rooms_.end() ? nullptr : &it->second;
}

std::string SignalingHub::issue_resume_token(LiveConnection& connection) {
  if (!connection.resume_token.empty()) resume_tokens_.erase(connection.resume_token);
  connection.resume_token = random_id("", 32);
  resume_tokens_[connection.resume_token] = {connection.session_id, connection.id};
  return connection.resume_token;
}

void SignalingHub::drop_room_if_empty(const std::string& session_id) {
  const auto it = rooms_.find(session_id);
  if (it != rooms_.end() && it->second.connections.empty()) rooms_.erase(it);
}

// ---- socket lifecycle -----------------------------------------------------------------------------------

void SignalingHub::on_open(ClientLink& link, std::int64_t now_ms) {
  links_[&link] = std::make_unique<LinkState>(now_ms, config_.rate_capacity, config_.rate_per_second);
}

void SignalingHub::on_close(ClientLink& link, std::int64_t now_ms) {
  const auto it = links_.find(&link);
  if (it == links_.end()) return;  // the hub closed it itself and already forgot it
  const auto state = std::move(it->second);
  links_.erase(it);
  if (!state->joined()) return;
  Room* room = room_of(state->session_id);
  if (room == nullptr) return;
  const auto c = room->connections.find(state->connection_id);
  if (c == room->connections.end() || c->second.link != &link) return;
  c->second.link = nullptr;
  c->second.suspended_at_ms = now_ms;
  log::info("signaling", "connection suspended",
            {{"session", state->session_id}, {"conn", state->connection_id}});
}

void SignalingHub::tick(std::int64_t now_ms) {
  std::vector<ClientLink*> late;
  for (const auto& [link, state] : links_) {
    if (!state->joined() && now_ms - state->opened_ms >= config_.join_timeout_ms) late.push_back(link);
  }
  for (ClientLink* link : late) {
    send(link, {{"type", "disconnected"}, {"reason", "joinTimeout"}});
    close_link(*link, kClosePolicy, "no join");
  }
  std::vector<std::pair<std::string, std::string>> expired;
  for (const auto& [session_id, room] : rooms_) {
    for (const auto& [id, connection] : room.connections) {
      if (connection.link == nullptr && now_ms - connection.suspended_at_ms >= config_.resume_window_ms) {
        expired.emplace_back(session_id, id);
      }
    }
  }
  for (const auto& [session_id, connection_id] : expired) {
    if (Room* room = room_of(session_id)) {
      log::info("signaling", "resume window over", {{"session", session_id}, {"conn", connection_id}});
      remove_connection(*room, connection_id, "networkDisconnected");
      drop_room_if_empty(session_id);
    }
  }
}

void SignalingHub::on_message(ClientLink& link, std::string_view text, std::int64_t now_ms) {
  const auto it = links_.find(&link);
  if (it == links_.end()) return;
  LinkState& state = *it->second;
  ++counters_.messages_in;

  if (!state.bucket.allow(now_ms)) {
    if (++state.dropped > config_.flood_disconnect_after) {
      ++counters_.policy_disconnects_total;
      log::warn("signaling", "flood, disconnecting",
                {{"session", state.session_id}, {"conn", state.connection_id}});
      if (state.joined()) {
        if (Room* room = room_of(state.session_id)) {
          const std::string session_id = state.session_id;
          remove_connection(*room, state.connection_id, "policyViolation");
          drop_room_if_empty(session_id);
          return;
        }
      }
      send(&link, {{"type", "disconnected"}, {"reason", "policyViolation"}});
      close_link(link, kClosePolicy, "flood");
      return;
    }
    if (now_ms - state.last_rate_error_ms >= kRateErrorIntervalMs) {
      state.last_rate_error_ms = now_ms;
      fail(link, nullptr, "rate_limited", "too many messages; slow down");
    }
    return;
  }
  if (text.size() > config_.max_message_size) {
    fail(link, nullptr, "message_too_large", "a signaling message is at most 64 KiB");
    return;
  }

  const json message = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (message.is_discarded() || !message.is_object()) {
    fail(link, nullptr, "bad_request", "a signaling message is one JSON object");
    return;
  }
  dispatch(link, state, message, now_ms);
}

// ---- dispatch ---------------------------------------------------------------------------------------------

void SignalingHub::dispatch(ClientLink& link, LinkState& state, const json& message, std::int64_t now_ms) {
  json request_id = nullptr;
  if (const auto id = message.find("requestId"); id != message.end()) {
    if ((id->is_string() && id->get_ref<const std::string&>().size() <= kMaxRequestIdSize) ||
        id->is_number_integer() || id->is_number_unsigned()) {
      request_id = *id;
    } else {
      fail(link, nullptr, "bad_request", "requestId must be an integer or a string of at most 64 characters");
      return;
    }
  }
  const auto type_it = message.find("type");
  if (type_it == message.end() || !type_it->is_string()) {
    fail(link, request_id, "bad_request", "a message needs a string type");
    return;
  }
  const Request r{type_it->get<std::string>(), request_id, message};

  if (r.type == "ping") {
    send(&link, {{"type", "pong"}, {"requestId", r.id}, {"serverTime", now_ms}});
    return;
  }
  if (r.type == "join" || r.type == "resume") {
    if (state.joined()) return fail(link, r.id, "already_joined", "this socket has already joined");
    if (r.type == "join") return handle_join(link, state, r, now_ms);
    return handle_resume(link, state, r, now_ms);
  }
  static const std::set<std::string, std::less<>> known_types = {
      "leave",           "publish",     "unpublish",          "updateStream",
      "subscribe",       "unsubscribe", "updateSubscription", "subscribeAnswer",
      "offer",           "answer",      "candidate",          "signal",
      "forceDisconnect", "forceMute",   "restartIce",         "restartIceAnswer"};
  if (!known_types.contains(r.type))
    return fail(link, r.id, "unknown_type", "unknown message type: " + r.type.substr(0, 64));
  if (!state.joined()) return fail(link, r.id, "not_joined", "send join first");

  Room* room = room_of(state.session_id);
  const auto self_it =
      room ? room->connections.find(state.connection_id) : decltype(room->connections.end()){};
  if (room == nullptr || self_it == room->connections.end()) {
    return fail(link, r.id, "internal", "connection state lost");
  }
  LiveConnection& self = self_it->second;

  if (r.type == "leave") {
    reply(link, r.id);
    const std::string session_id = state.session_id;
    remove_connection(*room, self.id, "clientDisconnected");
    drop_room_if_empty(session_id);
    return;
  }
  if (r.type == "publish") return handle_publish(*room, self, r, now_ms);
  if (r.type == "unpublish") return handle_unpublish(*room, self, r);
  if (r.type == "updateStream") return handle_update_stream(*room, self, r);
  if (r.type == "subscribe" || r.type == "subscribeAnswer") return handle_subscribe(*room, self, r);
  if (r.type == "unsubscribe") return handle_unsubscribe(*room, self, r);
  if (r.type == "updateSubscription") return handle_update_subscription(*room, self, r);
  if (r.type == "offer" || r.type == "answer" || r.type == "candidate") return handle_relay(*room, self, r);
  if (r.type == "signal") return handle_signal(*room, self, r);
  if (r.type == "forceDisconnect") return handle_force_disconnect(*room, self, r);
  if (r.type == "forceMute") return handle_force_mute(*room, self, r);
  if (r.type == "restartIce" || r.type == "restartIceAnswer") return handle_restart_ice(*room, self, r);
}

// ---- join / resume ----------------------------------------------------------------------------------------

json SignalingHub::joined_message(const Room& room, const LiveConnection& self, const json& request_id,
                                  bool resumed) const {
  json connections = json::array();
  json streams = json::array();
  json own = json::array();
  for (const auto& [id, c] : room.connections) {
    if (id != self.id) connections.push_back(connection_json(c));
  }
  for (const auto& [id, s] : room.streams) {
    (s.connection_id == self.id ? own : streams).push_back(stream_json(s));
  }
  // What this connection is subscribed to now: on resume, a subscription that ended while the socket
  // was down (its routed transport failed, and the subscriptionFailed could not be delivered) is
  // missing here, and the client fails it locally.
  json subscriptions = json::array();
  for (const auto& id : self.subscriptions) subscriptions.push_back(id);
  json archive = archive_hooks_.running_archive ? archive_hooks_.running_archive(room.session.id) : json();
  return {{"type", "joined"},
          {"requestId", request_id},
          {"connectionId", self.id},
          {"role", role_name(self.role)},
          {"data", self.data},
          {"resumeToken", self.resume_token},
          {"resumeWindowMs", config_.resume_window_ms},
          {"heartbeatIntervalMs", config_.heartbeat_interval_ms},
          {"session", session_json(room.session)},
          {"connections", std::move(connections)},
          {"streams", std::move(streams)},
          {"ownStreams", std::move(own)},
          {"subscriptions", std::move(subscriptions)},
          {"iceServers", config_.ice_servers},
          {"archive", std::move(archive)},
          {"resumed", resumed}};
}

void SignalingHub::handle_join(ClientLink& link, LinkState& state, const Request& r, std::int64_t now_ms) {
  Fields f(r.body);
  const auto token = f.string("token", 8192, true);
  if (!f.ok()) return fail(link, r.id, f.code(), f.problem());
  const auto claims = verify_client_token(*token, config_.credentials, now_ms / 1000);
  if (!claims) return fail(link, r.id, claims.error().code, claims.error().message);

  Room* room = room_of(claims->session_id);
  if (room == nullptr) {
    auto session = lookup_(claims->session_id);
    if (!session) return fail(link, r.id, "session_not_found", "the token's session does not exist");
    std::string id = session->id;  // copied first: the Room below takes *session apart
    room = &rooms_.emplace(std::move(id), Room{std::move(*session), {}, {}}).first->second;
  }
  LiveConnection connection;
  connection.id = random_id("con_", 12);
  connection.session_id = room->session.id;
  connection.role = claims->role;
  connection.data = claims->data;
  connection.created_at_ms = now_ms;
  connection.link = &link;
  issue_resume_token(connection);
  const std::string id = connection.id;
  auto& self = room->connections.emplace(id, std::move(connection)).first->second;
  state.session_id = room->session.id;
  state.connection_id = id;
  ++counters_.connections_total;
  log::info("signaling", "joined",
            {{"session", room->session.id}, {"conn", id}, {"role", role_name(self.role)}});

  send(&link, joined_message(*room, self, r.id, false));
  broadcast(*room, {{"type", "connectionCreated"}, {"connection", connection_json(self)}}, id);
}

void SignalingHub::handle_resume(ClientLink& link, LinkState& state, const Request& r, std::int64_t now_ms) {
  Fields f(r.body);
  const auto token = f.string("resumeToken", 256, true);
  if (!f.ok()) return fail(link, r.id, f.code(), f.problem());
  const auto found = resume_tokens_.find(*token);
  Room* room = found == resume_tokens_.end() ? nullptr : room_of(found->second.first);
  const auto c = room ? room->connections.find(found->second.second) : decltype(room->connections.end()){};
  if (room == nullptr || c == room->connections.end()) {
    return fail(link, r.id, "resume_failed", "unknown or expired resume token; join again");
  }
  LiveConnection& self = c->second;
  if (self.link != nullptr && self.link != &link) {
    // The old socket has not noticed its death yet: the new one takes over.
    ClientLink* old = self.link;
    close_link(*old, kCloseReplaced, "resumed elsewhere");
  }
  self.link = &link;
  self.suspended_at_ms = 0;
  issue_resume_token(self);
  state.session_id = room->session.id;
  state.connection_id = self.id;
  ++counters_.resumes_total;
  log::info("signaling", "resumed", {{"session", room->session.id}, {"conn", self.id}});
  (void)now_ms;
  send(&link, joined_message(*room, self, r.id, true));
}

void SignalingHub::remove_connection(Room& room, std::string connection_id, const std::string& reason) {
  const auto it = room.connections.find(connection_id);
  if (it == room.connections.end()) return;
  const std::vector<std::string> streams = it->second.streams;
  for (const auto& stream_id : streams) destroy_stream(room, stream_id, reason);
  const std::set<std::string> subscriptions = it->second.subscriptions;
  for (const auto& stream_id : subscriptions) {
    const auto s = room.streams.find(stream_id);
    if (s == room.streams.end()) continue;
    s->second.subscribers.erase(connection_id);
    close_subscription_transport(it->second, stream_id);
    send_to(room, s->second.connection_id,
            {{"type", "subscriberRemoved"}, {"streamId", stream_id}, {"connectionId", connection_id}});
  }
  for (const auto& [stream_id, routed] : it->second.routed) {
    if (!routed.transport_id.empty()) router_.close_transport(routed.transport_id);
  }
  ClientLink* link = it->second.link;
  resume_tokens_.erase(it->second.resume_token);
  room.connections.erase(it);
  log::info("signaling", "connection destroyed",
            {{"session", room.session.id}, {"conn", connection_id}, {"reason", reason}});
  broadcast(room, {{"type", "connectionDestroyed"}, {"connectionId", connection_id}, {"reason", reason}});
  if (link != nullptr) {
    if (reason != "clientDisconnected") send(link, {{"type", "disconnected"}, {"reason", reason}});
    close_link(*link, reason == "policyViolation" ? kClosePolicy : kCloseNormal, reason);
  }
}

// ---- REST side
// ------------------------------------------------------------------------------------------------

json SignalingHub::connections_json(const std::string& session_id) const {
  json out = json::array();
  if (const Room* room = room_of(session_id)) {
    for (const auto& [id, c] : room->connections) out.push_back(connection_json(c));
  }
  return out;
}

json SignalingHub::streams_json(const std::string& session_id) const {
  json out = json::array();
  if (const Room* room = room_of(session_id)) {
    for (const auto& [id, s] : room->streams) out.push_back(stream_json(s));
  }
  return out;
}

std::optional<json> SignalingHub::stream_json_of(const std::string& session_id,
                                                 const std::string& stream_id) const {
  const Room* room = room_of(session_id);
  if (room == nullptr) return std::nullopt;
  const auto it = room->streams.find(stream_id);
  if (it == room->streams.end()) return std::nullopt;
  return stream_json(it->second);
}

Result<void, HubError> SignalingHub::force_disconnect(const std::string& session_id,
                                                      const std::string& connection_id) {
  Room* room = room_of(session_id);
  if (room == nullptr || !room->connections.contains(connection_id)) {
    return err(HubError{404, "not_found", "no such connection in this session"});
  }
  remove_connection(*room, connection_id, "forceDisconnected");
  drop_room_if_empty(session_id);
  return {};
}

Result<void, HubError> SignalingHub::force_mute_stream(const std::string& session_id,
                                                       const std::string& stream_id) {
  Room* room = room_of(session_id);
  const auto it = room ? room->streams.find(stream_id) : decltype(room->streams.end()){};
  if (room == nullptr || it == room->streams.end()) {
    return err(HubError{404, "not_found", "no such stream in this session"});
  }
  mute_stream(*room, it->second);
  return {};
}

Result<void, HubError> SignalingHub::force_mute_all(const std::string& session_id,
                                                    const std::vector<std::string>& excluded) {
  Room* room = room_of(session_id);
  if (room == nullptr) return {};
  for (auto& [id, stream] : room->streams) {
    if (std::find(excluded.begin(), excluded.end(), id) == excluded.end()) mute_stream(*room, stream);
  }
  return {};
}

void SignalingHub::end_session(const std::string& session_id) {
  const auto it = rooms_.find(session_id);
  if (it == rooms_.end()) return;
  for (const auto& [id, stream] : it->second.streams) {
    if (!stream.transport_id.empty()) router_.close_transport(stream.transport_id);
  }
  for (auto& [id, connection] : it->second.connections) {
    for (const auto& [stream_id, routed] : connection.routed) {
      if (!routed.transport_id.empty()) router_.close_transport(routed.transport_id);
    }
    resume_tokens_.erase(connection.resume_token);
    if (connection.link != nullptr) {
      send(connection.link, {{"type", "disconnected"}, {"reason", "sessionDeleted"}});
      close_link(*connection.link, kCloseNormal, "session deleted");
    }
  }
  rooms_.erase(it);
}

void SignalingHub::broadcast_to_session(const std::string& session_id, const json& message) {
  if (const Room* room = room_of(session_id)) broadcast(*room, message);
}

std::size_t SignalingHub::live_sessions() const {
  return rooms_.size();
}

std::size_t SignalingHub::live_connections() const {
  std::size_t n = 0;
  for (const auto& [id, room] : rooms_) n += room.connections.size();
  return n;
}

std::size_t SignalingHub::live_streams() const {
  std::size_t n = 0;
  for (const auto& [id, room] : rooms_) n += room.streams.size();
  return n;
}

}  // namespace umbra::server
