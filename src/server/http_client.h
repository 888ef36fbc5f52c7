// A small blocking HTTP/1.1 client for `umbra session …` and the integration tests (plain http only).
#pragma once

#include <string>

#include "common/result.h"

namespace umbra::server {

struct HttpClientResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

// `url` is http://host[:port][/base]; `path` is appended. Errors are connection-level sentences.
Result<HttpClientResponse, std::string> http_request(const std::string& url, const std::string& method,
                                                     const std::string& path, const std::string& body = "",
                                                     const std::string& bearer_token = "");

}  // namespace umbra::server
