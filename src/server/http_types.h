// Transport-free HTTP request and response, so the REST API and static files are tested without sockets.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace umbra::server {

// OWS (RFC 9110 section 5.6.3): optional whitespace, SP or HTAB, allowed around header field parts.
inline bool is_ows(char c) {
  return c == ' ' || c == '\t';
}
// The header value part without leading and trailing OWS.
std::string_view trim_ows(std::string_view s);

struct HttpRequest {
  std::string method;  // "GET", "POST", …
  std::string target;  // path and query, as received
  std::string authorization;
  std::string host;
  std::string body;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the body is this file, streamed from disk by the HTTP layer (archive downloads). File
  // responses always honour a Range header (RFC 9110 section 14) and answer HEAD with the file's length.
  std::string file_path;
  // An in-memory body that is a static file: the HTTP layer honours a Range header for it too.
  bool accept_ranges = false;
};

// Splits a target into its path and its query string (without '?').
std::pair<std::string, std::string> split_target(const std::string& target);
// The value of `name` in a query string (percent-decoded), or empty.
std::string query_param(const std::string& query, const std::string& name);
// Percent-decodes into `out`; false for a truncated or non-hex escape. '+' means space only in queries.
bool percent_decode(std::string_view in, std::string& out, bool plus_as_space);

}  // namespace umbra::server
