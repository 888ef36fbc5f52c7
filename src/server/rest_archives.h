// The archive routes of the REST API (docs/rest-api.md "Archives"): /v1/archives and its items, and
// the demo's record button (/demo/rooms/{name}/archives). RestApi authenticates and hands over; this
// only parses, calls ArchiveService and shapes the answers. The one route that needs no project JWT, a
// signed download URL, is recognised here too (signed_download).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "server/archive_service.h"
#include "server/download_url.h"
#include "server/http_types.h"

namespace umbra::server {

class RestArchives {
 public:
  using Clock = std::function<std::int64_t()>;  // milliseconds since the epoch

  RestArchives(ArchiveService& archives, DownloadUrlSigner signer, Clock clock)
      : archives_(archives), signer_(std::move(signer)), clock_(std::move(clock)) {}

  // A GET/HEAD of /v1/archives/{id}/files/{file} whose query carries `expires` or `signature`: answered
  // here without a project JWT (403 invalid_signature / url_expired when the URL is not good). nullopt
  // for every other request, which then needs the project JWT as usual.
  std::optional<HttpResponse> signed_download(const HttpRequest& request,
                                              const std::vector<std::string>& segments,
                                              const std::string& query);

  // `segments` is the path split at '/', starting with "v1", "archives".
  HttpResponse route(const HttpRequest& request, const std::vector<std::string>& segments,
                     const std::string& query);
  // POST /demo/rooms/{name}/archives and .../archives/stop, for the room's session.
  HttpResponse demo_start(const std::string& session_id, const HttpRequest& request);
  HttpResponse demo_stop(const std::string& session_id);

 private:
  HttpResponse start(const HttpRequest& request);
  HttpResponse list(const std::string& query);
  HttpResponse serve_file(const std::string& archive_id, const std::string& file_name);
  // archive_json with a fresh signed `downloadUrl` next to every stream's `url`.
  nlohmann::json archive_with_urls(const ArchiveRecord& archive) const;

  ArchiveService& archives_;
  DownloadUrlSigner signer_;
  Clock clock_;
};

}  // namespace umbra::server
