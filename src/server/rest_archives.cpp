#include "server/rest_archives.h"

#include <nlohmann/json.hpp>

#include <optional>

#include "archive/archive_session.h"
#include "server/rest_api.h"
#include "server/rest_json.h"

namespace umbra::server {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxArchiveName = 256;

HttpResponse error_response(const ArchiveError& e) {
  return json_error(e.status, e.code, e.message);
}

// name (optional string, at most 256 bytes), hasAudio / hasVideo (optional booleans, default true).
std::optional<HttpResponse> read_options(const json& body, ArchiveStartRequest& wanted) {
  if (const auto it = body.find("name"); it != body.end() && !it->is_null()) {
    if (!it->is_string() || it->get_ref<const std::string&>().size() > kMaxArchiveName) {
      return json_error(400, "invalid_name", "name must be a string of at most 256 bytes");
    }
    wanted.name = it->get<std::string>();
  }
  const std::pair<const char*, bool*> flags[] = {{"hasAudio", &wanted.has_audio},
                                                 {"hasVideo", &wanted.has_video}};
  for (const auto& [key, target] : flags) {
    if (const auto it = body.find(key); it != body.end() && !it->is_null()) {
      if (!it->is_boolean())
        return json_error(400, "invalid_archive", std::string(key) + " must be true or false");
      *target = it->get<bool>();
    }
  }
  return std::nullopt;
}

bool is_file_path(const std::vector<std::string>& segments) {
  return segments.size() == 5 && segments[0] == "v1" && segments[1] == "archives" && segments[3] == "files";
}

}  // namespace

json RestArchives::archive_with_urls(const ArchiveRecord& archive) const {
  json out = archive_json(archive);
  const std::int64_t now_seconds = clock_() / 1000;
  for (auto& stream : out["streams"]) {
    if (const auto url = stream.find("url"); url != stream.end() && url->is_string()) {
      stream["downloadUrl"] = signer_.sign(url->get_ref<const std::string&>(), now_seconds);
    }
  }
  return out;
}

std::optional<HttpResponse> RestArchives::signed_download(const HttpRequest& request,
                                                          const std::vector<std::string>& segments,
                                                          const std::string& query) {
  if (!is_file_path(segments)) return std::nullopt;
  const std::string expires = query_param(query, "expires");
  const std::string signature = query_param(query, "signature");
  if (expires.empty() && signature.empty()) return std::nullopt;
  // HEAD reaches the routes as GET (http_server.cpp); nothing else may use a download URL.
  if (request.method != "GET") return json_error(405, "method_not_allowed", "use GET or HEAD");
  // The MAC covers the path exactly as the archive JSON wrote it; split_path keeps segments undecoded.
  const std::string path = "/v1/archives/" + segments[2] + "/files/" + segments[4];
  const auto verified = signer_.verify(path, expires, signature, clock_() / 1000);
  if (!verified) {
    if (verified.error() == DownloadUrlError::kExpired) {
      return json_error(403, "url_expired",
                        "this download URL has expired; get the archive again for a fresh downloadUrl");
    }
    return json_error(403, "invalid_signature",
                      "this download URL's signature does not match its path and "
                      "expiry; use the downloadUrl exactly as the archive gave it");
  }
  return serve_file(segments[2], segments[4]);
}

HttpResponse RestArchives::serve_file(const std::string& archive_id, const std::string& file_name) {
  const auto file = archives_.file(archive_id, file_name);
  if (!file) return error_response(file.error());
  HttpResponse r;
  r.content_type = file->content_type;
  r.file_path = file->path.string();
  return r;
}

HttpResponse RestArchives::route(const HttpRequest& request, const std::vector<std::string>& segments,
                                 const std::string& query) {
  const std::string& method = request.method;
  if (segments.size() == 2) {
    if (method == "POST") return start(request);
    if (method == "GET") return list(query);
    return json_error(405, "method_not_allowed", "use GET or POST");
  }
  const std::string& id = segments[2];
  if (segments.size() == 3) {
    if (method == "GET") {
      const auto record = archives_.find(id);
      if (!record) return json_error(404, "archive_not_found", "no archive with that id");
      return json_response(200, archive_with_urls(*record));
    }
    if (method == "DELETE") {
      const auto removed = archives_.remove(id);
      if (!removed) return error_response(removed.error());
      HttpResponse r;
      r.status = 204;
      r.content_type.clear();
      return r;
    }
    return json_error(405, "method_not_allowed", "use GET or DELETE");
  }
  if (segments.size() == 4 && segments[3] == "stop") {
    if (method != "POST") return json_error(405, "method_not_allowed", "use POST");
    const auto stopped = archives_.stop(id, archive::stop_reason_name(archive::StopReason::kRequested));
    if (!stopped) return error_response(stopped.error());
    return json_response(200, archive_with_urls(*stopped));
  }
  if (segments.size() == 5 && segments[3] == "files") {
    if (method != "GET") return json_error(405, "method_not_allowed", "use GET");
    return serve_file(id, segments[4]);
  }
  return json_error(404, "not_found", "no such resource");
}

HttpResponse RestArchives::start(const HttpRequest& request) {
  const auto body = parse_object(request.body);
  if (!body) return json_error(400, "invalid_json", "the body must be a JSON object");
  ArchiveStartRequest wanted;
  const auto session = body->find("sessionId");
  if (session == body->end() || !session->is_string() || session->get_ref<const std::string&>().empty()) {
    return json_error(400, "invalid_session_id", "sessionId is required (a session id string)");
  }
  wanted.session_id = session->get<std::string>();
  if (auto bad = read_options(*body, wanted)) return *bad;
  const auto started = archives_.start(wanted);
  if (!started) return error_response(started.error());
  return json_response(200, archive_with_urls(*started));
}

HttpResponse RestArchives::list(const std::string& query) {
  const auto paging = parse_paging(query);
  if (!paging) return paging.error();
  const auto [limit, offset] = *paging;
  const std::string session_id = query_param(query, "sessionId");
  json archives = json::array();
  for (const auto& a : archives_.list(session_id, limit, offset)) archives.push_back(archive_with_urls(a));
  return json_response(200, {{"archives", std::move(archives)}, {"total", archives_.count(session_id)}});
}

HttpResponse RestArchives::demo_start(const std::string& session_id, const HttpRequest& request) {
  const auto body = parse_object(request.body);
  if (!body) return json_error(400, "invalid_json", "the body must be a JSON object");
  ArchiveStartRequest wanted;
  wanted.session_id = session_id;
  wanted.name = "demo";
  if (auto bad = read_options(*body, wanted)) return *bad;
  const auto started = archives_.start(wanted);
  if (!started) return error_response(started.error());
  return json_response(200, archive_with_urls(*started));
}

HttpResponse RestArchives::demo_stop(const std::string& session_id) {
  const auto running = archives_.running_archive(session_id);
  if (!running) return json_error(409, "archive_not_running", "this room has no running archive");
  const auto stopped =
      archives_.stop(running->id, archive::stop_reason_name(archive::StopReason::kRequested));
  if (!stopped) return error_response(stopped.error());
  return json_response(200, archive_with_urls(*stopped));
}

}  // namespace umbra::server
