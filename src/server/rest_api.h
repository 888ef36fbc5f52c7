// The REST API (docs/rest-api.md) and everything else that answers plain HTTP: /metrics, /healthz, the
// demo endpoint and static files. Transport-free: HttpRequest in, HttpResponse out; the Beast layer in
// http_server.cpp only moves bytes. Runs on the control-plane thread, like the hub it drives.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "server/api_credentials.h"
#include "server/archive_service.h"
#include "server/download_url.h"
#include "server/http_types.h"
#include "server/media_router.h"
#include "server/project_auth.h"
#include "server/rest_archives.h"
#include "server/rest_json.h"
#include "server/session_store.h"
#include "server/signaling_hub.h"
#include "server/static_files.h"

namespace umbra::server {

struct RestConfig {
  ApiCredentials credentials;
  bool demo = false;  // enables POST /demo/rooms/{name}/join and .../archives (only with --dev or --demo)
  std::int64_t download_url_ttl_seconds = kDefaultDownloadUrlTtlSeconds;  // archive downloadUrl lifetime
};

class RestApi {
 public:
  using Clock = std::function<std::int64_t()>;  // milliseconds since the epoch

  RestApi(RestConfig config, SessionStore& store, SignalingHub& hub, MediaRouter& router,
          ArchiveService& archives, const StaticFiles& files, Clock clock);

  HttpResponse handle(const HttpRequest& request);

  // Called by the HTTP layer with the status that really went out (a file route's 200 may leave as
  // 206 or 416 once the Range is applied), so handle() itself counts nothing.
  void count_response(int status);

 private:
  HttpResponse route(const HttpRequest& request, const std::string& path, const std::string& query);
  HttpResponse create_session(const HttpRequest& request);
  HttpResponse list_sessions(const std::string& query);
  HttpResponse create_token(const std::string& session_id, const HttpRequest& request);
  HttpResponse signal(const std::string& session_id, const HttpRequest& request);
  HttpResponse mute_all(const std::string& session_id, const HttpRequest& request);
  HttpResponse demo_join(const std::string& room, const HttpRequest& request);
  HttpResponse demo_archive(const std::string& room, bool stop, const HttpRequest& request);
  HttpResponse metrics();

  RestConfig config_;
  ProjectAuth auth_;
  SessionStore& store_;
  SignalingHub& hub_;
  MediaRouter& router_;
  ArchiveService& archives_;
  RestArchives archive_routes_;
  const StaticFiles& files_;
  Clock clock_;
  std::map<int, std::uint64_t> responses_by_status_;
};

}  // namespace umbra::server
