// The archive routes of the REST API (docs/rest-api.md "Archives"): /v1/archives and its items, and
// the demo's record button (/demo/rooms/{name}/archives). RestApi authenticates and hands over; this
// only parses, calls ArchiveService and shapes the answers.
#pragma once

#include <string>
#include <vector>

#include "server/archive_service.h"
#include "server/http_types.h"

namespace umbra::server {

class RestArchives {
 public:
  explicit RestArchives(ArchiveService& archives) : archives_(archives) {}

  // `segments` is the path split at '/', starting with "v1", "archives".
  HttpResponse route(const HttpRequest& request, const std::vector<std::string>& segments,
                     const std::string& query);
  // POST /demo/rooms/{name}/archives and .../archives/stop, for the room's session.
  HttpResponse demo_start(const std::string& session_id, const HttpRequest& request);
  HttpResponse demo_stop(const std::string& session_id);

 private:
  HttpResponse start(const HttpRequest& request);
  HttpResponse list(const std::string& query);

  ArchiveService& archives_;
};

}  // namespace umbra::server
