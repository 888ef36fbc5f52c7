// The small JSON conventions every REST route shares (docs/rest-api.md "Conventions"): responses,
// error bodies, request bodies, and the limit/offset paging of list routes.
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "server/http_types.h"

namespace umbra::server {

HttpResponse json_response(int status, const nlohmann::json& body);
// {"error": {"code", "message"}} with that status.
HttpResponse json_error(int status, std::string_view code, std::string_view message);

// The body as a JSON object; an empty body is an empty object; anything else is nullopt.
std::optional<nlohmann::json> parse_object(const std::string& body);

// A decimal count of at most 9 digits (no sign, no spaces), or nullopt.
std::optional<std::size_t> parse_size(const std::string& text);

struct Paging {
  static constexpr std::size_t kDefaultLimit = 100;
  static constexpr std::size_t kMaxLimit = 1000;
  std::size_t limit = kDefaultLimit;
  std::size_t offset = 0;
};
// `limit` (1..1000, default 100) and `offset` (default 0) from a query string, or the 400 to answer
// (invalid_limit / invalid_offset).
Result<Paging, HttpResponse> parse_paging(const std::string& query);

}  // namespace umbra::server
