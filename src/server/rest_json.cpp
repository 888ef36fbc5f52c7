#include "server/rest_json.h"

#include <nlohmann/json.hpp>

namespace umbra::server {

using nlohmann::json;

HttpResponse json_response(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  // Replace, never throw: a name with invalid UTF-8 must not take the response down.
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

HttpResponse json_error(int status, std::string_view code, std::string_view message) {
  return json_response(status, {{"error", {{"code", code}, {"message", message}}}});
}

std::optional<json> parse_object(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  auto parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  return parsed;
}

std::optional<std::size_t> parse_size(const std::string& text) {
  if (text.empty() || text.size() > 9) return std::nullopt;
  std::size_t v = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::size_t>(c - '0');
  }
  return v;
}

Result<Paging, HttpResponse> parse_paging(const std::string& query) {
  Paging paging;
  if (const auto text = query_param(query, "limit"); !text.empty()) {
    const auto v = parse_size(text);
    if (!v || *v == 0 || *v > Paging::kMaxLimit)
      return err(json_error(400, "invalid_limit", "limit must be 1..1000"));
    paging.limit = *v;
  }
  if (const auto text = query_param(query, "offset"); !text.empty()) {
    const auto v = parse_size(text);
    if (!v) return err(json_error(400, "invalid_offset", "offset must be a non-negative integer"));
    paging.offset = *v;
  }
  return paging;
}

}  // namespace umbra::server
