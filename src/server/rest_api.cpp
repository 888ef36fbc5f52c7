#include "server/rest_api.h"

#include <nlohmann/json.hpp>

#include <sstream>
#include <vector>

#include "common/log.h"
#include "server/capabilities.h"
#include "server/client_token.h"
#include "server/json_views.h"
#include "server/project_auth.h"
#include "server/rest_json.h"

namespace umbra::server {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxDisplayName = 64;
constexpr std::size_t kMaxRoomName = 64;

HttpResponse no_content() {
  HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    auto end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  if (!out.empty() && out.back().empty()) out.pop_back();  // tolerate a trailing slash
  return out;
}

HttpResponse invalid_json() {
  return json_error(400, "invalid_json", "the body must be a JSON object");
}

bool valid_room_name(const std::string& name) {
  if (name.empty() || name.size() > kMaxRoomName) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

RestApi::RestApi(RestConfig config, SessionStore& store, SignalingHub& hub, MediaRouter& router,
                 ArchiveService& archives, const StaticFiles& files, Clock clock)
    : config_(std::move(config)),
      auth_(config_.credentials),
      store_(store),
      hub_(hub),
      router_(router),
      archives_(archives),
      archive_routes_(archives,
                      DownloadUrlSigner(config_.credentials.secret, config_.download_url_ttl_seconds),
                      [this] { return clock_(); }),
      files_(files),
      clock_(std::move(clock)) {}

void RestApi::count_response(int status) {
  ++responses_by_status_[status];
}

HttpResponse RestApi::handle(const HttpRequest& request) {
  const auto [path, query] = split_target(request.target);
  HttpResponse response = route(request, path, query);
  if (response.status >= 500) {
    log::error("http", "request failed", {{"method", request.method}, {"path", path}});
  } else {
    log::debug("http", "request", {{"method", request.method}, {"path", path}});
  }
  return response;
}

HttpResponse RestApi::route(const HttpRequest& request, const std::string& path, const std::string& query) {
  const std::string& method = request.method;
  if (path == "/healthz") {
    HttpResponse r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "ok\n";
    return r;
  }
  if (path == "/metrics") {
    if (method != "GET") return json_error(405, "method_not_allowed", "use GET");
    return metrics();
  }
  const auto segments = split_path(path);
  if (segments.size() == 4 && segments[0] == "demo" && segments[1] == "rooms" && segments[3] == "join") {
    if (!config_.demo)
      return json_error(404, "not_found", "the demo endpoint needs umbra serve --dev or --demo");
    if (method != "POST") return json_error(405, "method_not_allowed", "use POST");
    return demo_join(segments[2], request);
  }
  const bool demo_archive_path = segments.size() >= 4 && segments.size() <= 5 && segments[0] == "demo" &&
                                 segments[1] == "rooms" && segments[3] == "archives" &&
                                 (segments.size() == 4 || segments[4] == "stop");
  if (demo_archive_path) {
    if (!config_.demo)
      return json_error(404, "not_found", "the demo endpoint needs umbra serve --dev or --demo");
    if (method != "POST") return json_error(405, "method_not_allowed", "use POST");
    return demo_archive(segments[2], segments.size() == 5, request);
  }
  if (segments.empty() || segments[0] != "v1") {
    if (auto file = files_.serve(method, path)) return *file;
    return json_error(404, "not_found", "no such resource");
  }

  // A signed archive download URL is its own credential (docs/rest-api.md); everything else under /v1
  // needs a project JWT.
  if (auto download = archive_routes_.signed_download(request, segments, query)) return *download;
  const auto auth = auth_.verify(request.authorization, clock_() / 1000);
  if (!auth) return json_error(auth.error().status, auth.error().code, auth.error().message);

  if (segments.size() >= 2 && segments[1] == "archives")
    return archive_routes_.route(request, segments, query);
  if (segments.size() < 2 || segments[1] != "sessions")
    return json_error(404, "not_found", "no such resource");
  if (segments.size() == 2) {
    if (method == "POST") return create_session(request);
    if (method == "GET") return list_sessions(query);
    return json_error(405, "method_not_allowed", "use GET or POST");
  }
  const std::string& session_id = segments[2];
  const auto session = store_.find(session_id);
  if (!session) return json_error(404, "session_not_found", "no session with that id");

  if (segments.size() == 3) {
    if (method == "GET") return json_response(200, session_json(*session));
    if (method == "DELETE") {
      archives_.session_ended(session_id);  // before the clients go: they hear archiveStopped
      hub_.end_session(session_id);
      store_.remove(session_id);
      log::info("rest", "session deleted", {{"session", session_id}});
      return no_content();
    }
    return json_error(405, "method_not_allowed", "use GET or DELETE");
  }
  const std::string& collection = segments[3];
  if (segments.size() == 4) {
    if (collection == "tokens") {
      if (method != "POST") return json_error(405, "method_not_allowed", "use POST");
      return create_token(session_id, request);
    }
    if (collection == "connections") {
      if (method != "GET") return json_error(405, "method_not_allowed", "use GET");
      return json_response(200, {{"connections", hub_.connections_json(session_id)}});
    }
    if (collection == "streams") {
      if (method != "GET") return json_error(405, "method_not_allowed", "use GET");
      return json_response(200, {{"streams", hub_.streams_json(session_id)}});
    }
    if (collection == "signal") {
      if (method != "POST") return json_error(405, "method_not_allowed", "use POST");
      return signal(session_id, request);
    }
    if (collection == "mute") {
      if (method != "POST") return json_error(405, "method_not_allowed", "use POST");
      return mute_all(session_id, request);
    }
    return json_error(404, "not_found", "no such resource");
  }
  const std::string& item = segments[4];
  if (segments.size() == 5 && collection == "connections") {
    if (method != "DELETE") return json_error(405, "method_not_allowed", "use DELETE");
    const auto done = hub_.force_disconnect(session_id, item);
    if (!done) return json_error(done.error().status, done.error().code, done.error().message);
    log::info("rest", "force disconnect", {{"session", session_id}, {"conn", item}});
    return no_content();
  }
  if (segments.size() == 5 && collection == "streams") {
    if (method != "GET") return json_error(405, "method_not_allowed", "use GET");
    auto stream = hub_.stream_json_of(session_id, item);
    if (!stream) return json_error(404, "not_found", "no such stream in this session");
    return json_response(200, *stream);
  }
  if (segments.size() == 6 && collection == "streams" && segments[5] == "mute") {
    if (method != "POST") return json_error(405, "method_not_allowed", "use POST");
    const auto done = hub_.force_mute_stream(session_id, item);
    if (!done) return json_error(done.error().status, done.error().code, done.error().message);
    return json_response(200, *hub_.stream_json_of(session_id, item));
  }
  return json_error(404, "not_found", "no such resource");
}

HttpResponse RestApi::create_session(const HttpRequest& request) {
  const auto body = parse_object(request.body);
  if (!body) return invalid_json();
  SessionRequest wanted;
  if (const auto it = body->find("mediaMode"); it != body->end() && !it->is_null()) {
    const auto mode = it->is_string() ? parse_media_mode(it->get<std::string>()) : std::nullopt;
    if (!mode) return json_error(400, "invalid_media_mode", "mediaMode must be \"routed\" or \"relayed\"");
    wanted.media_mode = *mode;
  }
  if (const auto it = body->find("e2ee"); it != body->end() && !it->is_null()) {
    if (!it->is_boolean()) return json_error(400, "invalid_e2ee", "e2ee must be true or false");
    wanted.e2ee = it->get<bool>();
  }
  if (const auto it = body->find("archiveMode"); it != body->end() && !it->is_null()) {
    const auto mode = it->is_string() ? parse_archive_mode(it->get<std::string>()) : std::nullopt;
    if (!mode) return json_error(400, "invalid_archive_mode", "archiveMode must be \"manual\" or \"always\"");
    wanted.archive_mode = *mode;
  }
  const auto valid = validate_session_request(wanted);
  if (!valid) return json_error(valid.error().status, valid.error().code, valid.error().message);

  SessionRecord record;
  record.id = new_session_id();
  record.media_mode = wanted.media_mode;
  record.e2ee = wanted.e2ee;
  record.archive_mode = wanted.archive_mode;
  record.created_at_ms = clock_();
  const auto stored = store_.insert(record);
  if (!stored) {
    log::error("rest", "cannot store session", {{"error", stored.error()}});
    return json_error(500, "storage_error", "the session could not be stored");
  }
  log::info("rest", "session created",
            {{"session", record.id},
             {"mode", media_mode_name(record.media_mode)},
             {"e2ee", record.e2ee ? "1" : "0"}});
  return json_response(201, session_json(record));
}

HttpResponse RestApi::list_sessions(const std::string& query) {
  const auto paging = parse_paging(query);
  if (!paging) return paging.error();
  const auto [limit, offset] = *paging;
  json sessions = json::array();
  for (const auto& s : store_.list(limit, offset)) sessions.push_back(session_json(s));
  return json_response(200, {{"sessions", std::move(sessions)}, {"total", store_.count()}});
}

HttpResponse RestApi::create_token(const std::string& session_id, const HttpRequest& request) {
  const auto body = parse_object(request.body);
  if (!body) return invalid_json();
  ClientTokenRequest wanted;
  wanted.session_id = session_id;
  if (const auto it = body->find("role"); it != body->end() && !it->is_null()) {
    const auto role = it->is_string() ? parse_role(it->get<std::string>()) : std::nullopt;
    if (!role) {
      return json_error(400, "invalid_role",
                        "role must be subscriber, publisher, publisheronly or moderator");
    }
    wanted.role = *role;
  }
  if (const auto it = body->find("ttl"); it != body->end() && !it->is_null()) {
    if (!it->is_number_integer())
      return json_error(400, "invalid_ttl", "ttl must be an integer number of seconds");
    wanted.ttl_seconds = it->get<std::int64_t>();
  }
  if (const auto it = body->find("data"); it != body->end() && !it->is_null()) {
    if (!it->is_string()) return json_error(400, "invalid_data", "data must be a string");
    wanted.data = it->get<std::string>();
  }
  const auto token = mint_client_token(config_.credentials, wanted, clock_() / 1000);
  if (!token) return json_error(400, token.error().code, token.error().message);
  return json_response(201, {{"token", token->token},
                             {"sessionId", session_id},
                             {"role", role_name(wanted.role)},
                             {"expiresAt", token->expires_at}});
}

HttpResponse RestApi::signal(const std::string& session_id, const HttpRequest& request) {
  const auto body = parse_object(request.body);
  if (!body) return invalid_json();
  std::string type;
  std::string data;
  std::vector<std::string> to;
  if (const auto it = body->find("type"); it != body->end() && !it->is_null()) {
    if (!it->is_string()) return json_error(400, "invalid_signal", "type must be a string");
    type = it->get<std::string>();
  }
  if (const auto it = body->find("data"); it != body->end() && !it->is_null()) {
    if (!it->is_string()) return json_error(400, "invalid_signal", "data must be a string");
    data = it->get<std::string>();
  }
  if (const auto it = body->find("to"); it != body->end() && !it->is_null()) {
    if (it->is_string()) {
      to.push_back(it->get<std::string>());
    } else if (it->is_array() && it->size() <= 100) {
      for (const auto& id : *it) {
        if (!id.is_string()) return json_error(400, "invalid_signal", "to must hold connection ids");
        to.push_back(id.get<std::string>());
      }
    } else {
      return json_error(400, "invalid_signal", "to must be a connection id or an array of at most 100");
    }
  }
  if (type.size() > 128) return json_error(400, "signal_too_large", "type is at most 128 characters");
  if (data.size() > 8192) return json_error(400, "signal_too_large", "data is at most 8192 bytes");
  const auto sent = hub_.signal(session_id, type, data, to);
  if (!sent) return json_error(sent.error().status, sent.error().code, sent.error().message);
  return no_content();
}

HttpResponse RestApi::mute_all(const std::string& session_id, const HttpRequest& request) {
  const auto body = parse_object(request.body);
  if (!body) return invalid_json();
  std::vector<std::string> excluded;
  if (const auto it = body->find("excludedStreamIds"); it != body->end() && !it->is_null()) {
    if (!it->is_array()) return json_error(400, "invalid_excluded", "excludedStreamIds must be an array");
    for (const auto& id : *it) {
      if (!id.is_string()) return json_error(400, "invalid_excluded", "excludedStreamIds must hold strings");
      excluded.push_back(id.get<std::string>());
    }
  }
  (void)hub_.force_mute_all(session_id, excluded);
  return no_content();
}

HttpResponse RestApi::demo_join(const std::string& room, const HttpRequest& request) {
  std::string name;
  if (!percent_decode(room, name, false) || !valid_room_name(name)) {
    return json_error(400, "invalid_room", "a room name is 1-64 letters, digits, '-', '_' or '.'");
  }
  const auto body = parse_object(request.body);
  if (!body) return invalid_json();
  std::string display_name = "Guest";
  if (const auto it = body->find("displayName"); it != body->end() && !it->is_null()) {
    if (!it->is_string()) return json_error(400, "invalid_display_name", "displayName must be a string");
    display_name = it->get<std::string>();
    const auto length = utf8_length(display_name);
    if (!length || *length == 0 || *length > kMaxDisplayName) {
      return json_error(400, "invalid_display_name", "displayName must be 1-64 characters");
    }
  }
  SessionRequest wanted;
  wanted.media_mode = MediaMode::kRelayed;  // works without the media router
  if (const auto it = body->find("mediaMode"); it != body->end() && !it->is_null()) {
    const auto mode = it->is_string() ? parse_media_mode(it->get<std::string>()) : std::nullopt;
    if (!mode) return json_error(400, "invalid_media_mode", "mediaMode must be \"routed\" or \"relayed\"");
    wanted.media_mode = *mode;
  }
  if (const auto it = body->find("e2ee"); it != body->end() && !it->is_null()) {
    if (!it->is_boolean()) return json_error(400, "invalid_e2ee", "e2ee must be true or false");
    wanted.e2ee = it->get<bool>();
  }
  auto session = store_.find_by_room(name);
  if (!session) {
    const auto valid = validate_session_request(wanted);
    if (!valid) return json_error(valid.error().status, valid.error().code, valid.error().message);
    SessionRecord record;
    record.id = new_session_id();
    record.media_mode = wanted.media_mode;
    record.e2ee = wanted.e2ee;
    record.created_at_ms = clock_();
    record.room = name;
    const auto stored = store_.insert(record);
    if (!stored) {
      // Lost a race with another join for the same room: use the winner's session.
      session = store_.find_by_room(name);
      if (!session) return json_error(500, "storage_error", "the room's session could not be stored");
    } else {
      session = record;
      log::info("demo", "room created", {{"room", name}, {"session", record.id}});
    }
  }
  const json data = {{"displayName", display_name}};
  const auto token = mint_client_token(config_.credentials,
                                       {session->id, Role::kModerator, std::int64_t{12} * 3600, data.dump()},
                                       clock_() / 1000);
  if (!token) return json_error(500, "internal", token.error().message);
  const std::string host = request.host.empty() ? "127.0.0.1:7880" : request.host;
  json out = session_json(*session);
  out["room"] = name;
  out["token"] = token->token;
  out["role"] = "moderator";
  out["apiUrl"] = "http://" + host;
  out["wsUrl"] = "ws://" + host + "/v1/rtc";
  return json_response(200, out);
}

HttpResponse RestApi::demo_archive(const std::string& room, bool stop, const HttpRequest& request) {
  std::string name;
  if (!percent_decode(room, name, false) || !valid_room_name(name)) {
    return json_error(400, "invalid_room", "a room name is 1-64 letters, digits, '-', '_' or '.'");
  }
  const auto session = store_.find_by_room(name);
  if (!session) return json_error(404, "session_not_found", "no session for that room; join it first");
  return stop ? archive_routes_.demo_stop(session->id) : archive_routes_.demo_start(session->id, request);
}

HttpResponse RestApi::metrics() {
  const auto& c = hub_.counters();
  const auto r = router_.stats();
  std::ostringstream out;
  const auto metric = [&](const char* name, const char* type, const char* help, auto value) {
    out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n'
        << name << ' ' << value << '\n';
  };
  metric("umbra_sessions_stored", "gauge", "Sessions in the store.", store_.count());
  metric("umbra_sessions_active", "gauge", "Sessions with at least one connection.", hub_.live_sessions());
  metric("umbra_connections", "gauge", "Signaling connections (including suspended ones).",
         hub_.live_connections());
  metric("umbra_streams", "gauge", "Published streams.", hub_.live_streams());
  metric("umbra_connections_total", "counter", "Connections ever joined.", c.connections_total);
  metric("umbra_streams_total", "counter", "Streams ever published.", c.streams_total);
  metric("umbra_signals_total", "counter", "Signals delivered.", c.signals_total);
  metric("umbra_signaling_messages_total", "counter", "Signaling messages received.", c.messages_in);
  metric("umbra_signaling_errors_total", "counter", "Signaling error responses sent.", c.errors_total);
  metric("umbra_resumes_total", "counter", "Connections resumed after a dropped socket.", c.resumes_total);
  metric("umbra_policy_disconnects_total", "counter", "Sockets closed for flooding.",
         c.policy_disconnects_total);
  metric("umbra_archives_started_total", "counter", "Archives started.", archives_.counters().started_total);
  metric("umbra_archives_failed_total", "counter", "Archives that ended failed.",
         archives_.counters().failed_total);
  metric("umbra_archives_running", "gauge", "Archives started or stopping.", archives_.running_count());
  metric("umbra_router_available", "gauge", "1 if this process has a media router.",
         router_.available() ? 1 : 0);
  metric("umbra_router_rooms", "gauge", "Rooms (routed sessions) placed on the router's workers.", r.rooms);
  metric("umbra_router_transports", "gauge", "Router transports.", r.transports);
  metric("umbra_router_producers", "gauge", "Router producers.", r.producers);
  metric("umbra_router_consumers", "gauge", "Router consumers.", r.consumers);
  metric("umbra_router_packets_in_total", "counter", "RTP/RTCP packets received by the router.",
         r.packets_in);
  metric("umbra_router_packets_out_total", "counter", "RTP/RTCP packets sent by the router.", r.packets_out);
  metric("umbra_router_bytes_in_total", "counter", "Bytes received by the router.", r.bytes_in);
  metric("umbra_router_bytes_out_total", "counter", "Bytes sent by the router.", r.bytes_out);
  metric("umbra_router_packets_lost_total", "counter", "Packets lost towards the router.", r.packets_lost);
  metric("umbra_router_recording_packets_dropped_total", "counter",
         "Media packets left out of recordings because the recording thread fell behind.",
         r.recording_packets_dropped);
  out << "# HELP umbra_http_responses_total HTTP responses by status.\n# TYPE umbra_http_responses_total "
         "counter\n";
  for (const auto& [status, count] : responses_by_status_) {
    out << "umbra_http_responses_total{status=\"" << status << "\"} " << count << '\n';
  }
  HttpResponse response;
  response.content_type = "text/plain; version=0.0.4; charset=utf-8";
  response.body = out.str();
  return response;
}

}  // namespace umbra::server
