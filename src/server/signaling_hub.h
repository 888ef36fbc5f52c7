// The signaling core (docs/protocol.md): sans-IO. Text messages and the current time come in through
// on_message/on_close/tick, messages go out through ClientLink::send. It owns every live Room, enforces
// roles and limits, and keeps each session's ids and events inside that session. The REST API drives the
// same rooms through the methods at the bottom. Single-threaded: call it from the control-plane thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/api_credentials.h"
#include "server/client_link.h"
#include "server/media_router.h"
#include "server/rate_limiter.h"
#include "server/room.h"

namespace umbra::server {

struct HubConfig {
  ApiCredentials credentials;
  std::int64_t resume_window_ms = 30'000;
  std::int64_t join_timeout_ms = 10'000;
  std::int64_t heartbeat_interval_ms = 10'000;
  std::size_t max_message_size = std::size_t{64} * 1024;
  double rate_capacity = 100;
  double rate_per_second = 50;
  int flood_disconnect_after = 200;  // dropped messages
  std::size_t max_streams_per_connection = 8;
  nlohmann::json ice_servers = nlohmann::json::array();
};

struct HubCounters {
  std::uint64_t connections_total = 0;
  std::uint64_t streams_total = 0;
  std::uint64_t messages_in = 0;
  std::uint64_t signals_total = 0;
  std::uint64_t errors_total = 0;
  std::uint64_t resumes_total = 0;
  std::uint64_t policy_disconnects_total = 0;
};

// A failure of a REST-driven operation: `code` as in docs/rest-api.md.
struct HubError {
  int status = 404;
  std::string code;
  std::string message;
};

// Archiving's view of the hub (ArchiveService, docs/protocol.md "Archive events"): stream events drive
// archiveMode "always", and `joined` carries the session's running archive. Empty hooks do nothing.
struct ArchiveHooks {
  // A stream exists (routed: once the router has its producers) / is gone.
  std::function<void(const SessionRecord& session, const std::string& stream_id)> stream_published;
  std::function<void(const SessionRecord& session, const std::string& stream_id)> stream_destroyed;
  // The running archive as archive JSON without streams, or null.
  std::function<nlohmann::json(const std::string& session_id)> running_archive;
};

class SignalingHub {
 public:
  using SessionLookup = std::function<std::optional<SessionRecord>(const std::string& session_id)>;

  SignalingHub(HubConfig config, SessionLookup lookup, MediaRouter& router);
  ~SignalingHub();
  SignalingHub(const SignalingHub&) = delete;
  SignalingHub& operator=(const SignalingHub&) = delete;

  void on_open(ClientLink& link, std::int64_t now_ms);
  void on_message(ClientLink& link, std::string_view text, std::int64_t now_ms);
  // The socket is gone. Without a prior `leave` the connection is suspended for the resume window.
  void on_close(ClientLink& link, std::int64_t now_ms);
  // Expires suspended connections and sockets that never joined. Call about once a second.
  void tick(std::int64_t now_ms);

  // REST side. Unknown session/connection/stream → HubError 404 (the session's existence is the
  // caller's check).
  nlohmann::json connections_json(const std::string& session_id) const;
  nlohmann::json streams_json(const std::string& session_id) const;
  std::optional<nlohmann::json> stream_json_of(const std::string& session_id,
                                               const std::string& stream_id) const;
  Result<void, HubError> signal(const std::string& session_id, const std::string& type,
                                const std::string& data, const std::vector<std::string>& to);
  Result<void, HubError> force_disconnect(const std::string& session_id, const std::string& connection_id);
  Result<void, HubError> force_mute_stream(const std::string& session_id, const std::string& stream_id);
  Result<void, HubError> force_mute_all(const std::string& session_id,
                                        const std::vector<std::string>& excluded);
  // The session was deleted: everyone is told and disconnected.
  void end_session(const std::string& session_id);
  // An event for every connected client of the session (archiveStarted / archiveStopped).
  void broadcast_to_session(const std::string& session_id, const nlohmann::json& message);
  void set_archive_hooks(ArchiveHooks hooks) { archive_hooks_ = std::move(hooks); }

  std::size_t live_sessions() const;
  std::size_t live_connections() const;
  std::size_t live_streams() const;
  const HubCounters& counters() const { return counters_; }

 private:
  struct LinkState;
  struct Request;

  void dispatch(ClientLink& link, LinkState& state, const nlohmann::json& message, std::int64_t now_ms);
  void handle_join(ClientLink& link, LinkState& state, const Request& r, std::int64_t now_ms);
  void handle_resume(ClientLink& link, LinkState& state, const Request& r, std::int64_t now_ms);
  void handle_publish(Room& room, LiveConnection& self, const Request& r, std::int64_t now_ms);
  void handle_unpublish(Room& room, LiveConnection& self, const Request& r);
  void handle_update_stream(Room& room, LiveConnection& self, const Request& r);
  void handle_subscribe(Room& room, LiveConnection& self, const Request& r);
  void handle_unsubscribe(Room& room, LiveConnection& self, const Request& r);
  void handle_update_subscription(Room& room, LiveConnection& self, const Request& r);
  void handle_relay(Room& room, LiveConnection& self, const Request& r);
  void handle_signal(Room& room, LiveConnection& self, const Request& r);
  void handle_force_disconnect(Room& room, LiveConnection& self, const Request& r);
  void handle_force_mute(Room& room, LiveConnection& self, const Request& r);

  // Routed sessions (signaling_routed.cpp): negotiation through the MediaRouter, completed
  // asynchronously on this thread. Completions look everything up again by id: the connection may
  // have left (then the router side is closed) or resumed on another socket (then it gets the answer).
  void routed_publish(Room& room, LiveConnection& self, const Request& r, LiveStream stream,
                      const std::string& sdp);
  void routed_subscribe(Room& room, LiveConnection& self, const Request& r, LiveStream& stream);
  void routed_subscribe_answer(Room& room, LiveConnection& self, const Request& r);
  void close_subscription_transport(LiveConnection& subscriber, const std::string& stream_id);
  // ICE restart (docs/protocol.md 3.13): a publisher's restart offer is answered with the router's new
  // credentials; a subscriber gets the router's offer with new credentials and answers it.
  void handle_restart_ice(Room& room, LiveConnection& self, const Request& r);
  void restart_publisher_ice(Room& room, LiveConnection& self, const Request& r, LiveStream& stream);
  void restart_subscriber_ice(Room& room, LiveConnection& self, const Request& r,
                              const std::string& stream_id);
  // The router closed a transport on its own (MediaRouter::set_on_transport_closed): a publisher's
  // stream is destroyed with reason `mediaFailed`, a subscriber is sent `subscriptionFailed`. Ids the
  // hub no longer knows (it closed them itself) are ignored, so nothing is announced twice.
  void on_transport_closed(const std::string& transport_id, const std::string& router_reason);
  LiveConnection* find_connection(const std::string& session_id, const std::string& connection_id);
  void reply_later(const std::string& session_id, const std::string& connection_id,
                   const nlohmann::json& request_id, nlohmann::json result);
  void fail_later(const std::string& session_id, const std::string& connection_id,
                  const nlohmann::json& request_id, std::string_view code, std::string_view message);
  Result<void, HubError> deliver_signal(const std::string& session_id, const std::optional<std::string>& from,
                                        const std::string& type, const std::string& data,
                                        const std::vector<std::string>& to, bool check_only);

  nlohmann::json joined_message(const Room& room, const LiveConnection& self,
                                const nlohmann::json& request_id, bool resumed) const;
  Room* room_of(const std::string& session_id);
  const Room* room_of(const std::string& session_id) const;
  std::string issue_resume_token(LiveConnection& connection);

  // Removes a connection with its streams and subscriptions and tells everyone else (streamDestroyed
  // before connectionDestroyed). The connection's own link, if any, is sent `disconnected` (unless the
  // reason is clientDisconnected) and closed.
  void remove_connection(Room& room, std::string connection_id, const std::string& reason);
  void destroy_stream(Room& room, const std::string& stream_id, const std::string& reason);
  void mute_stream(Room& room, LiveStream& stream);
  void drop_room_if_empty(const std::string& session_id);

  void send(ClientLink* link, const nlohmann::json& message);
  void broadcast(const Room& room, const nlohmann::json& message,
                 const std::string& except_connection_id = "");
  void send_to(const Room& room, const std::string& connection_id, const nlohmann::json& message);
  void reply(ClientLink& link, const nlohmann::json& request_id,
             nlohmann::json result = nlohmann::json::object());
  void fail(ClientLink& link, const nlohmann::json& request_id, std::string_view code,
            std::string_view message);
  void close_link(ClientLink& link, std::uint16_t code, std::string_view reason);

  HubConfig config_;
  SessionLookup lookup_;
  MediaRouter& router_;
  std::map<std::string, Room> rooms_;
  std::unordered_map<ClientLink*, std::unique_ptr<LinkState>> links_;
  std::unordered_map<std::string, std::pair<std::string, std::string>> resume_tokens_;  // → session, conn
  HubCounters counters_;
  ArchiveHooks archive_hooks_;
};

}  // namespace umbra::server
