// The project's API key and secret, and the error shape every token check returns.
#pragma once

#include <string>

namespace umbra::server {

struct ApiCredentials {
  std::string key;     // the JWT `iss` of every token this project issues
  std::string secret;  // HS256 key; never logged
};

// `code` is the machine-readable error code documented in docs/rest-api.md and docs/protocol.md.
struct AuthError {
  std::string code;
  std::string message;
  int status = 401;  // the REST answer's status (503 when the project JWT replay cache is full)
};

}  // namespace umbra::server
