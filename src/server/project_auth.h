// Project JWTs authenticate a developer's backend to the REST API (DESIGN.md section 5): HS256 with the
// API secret, `iss` = API key, `iat`, `exp` at most five minutes ahead, and a `jti`.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/result.h"
#include "server/api_credentials.h"

namespace umbra::server {

// How far `iat` may be in the future (clock skew) and how far `exp` may be: a stolen project JWT is
// worth at most five minutes.
inline constexpr std::int64_t kMaxProjectTokenAheadSeconds = 300;

// `authorization` is the raw Authorization header value ("Bearer <jwt>"), empty if absent.
// Error codes: missing_token, malformed_token, unsupported_algorithm, invalid_signature, invalid_issuer,
// token_expired, token_not_yet_valid, token_lifetime_too_long.
Result<void, AuthError> verify_project_token(std::string_view authorization, const ApiCredentials& creds,
                                             std::int64_t now_seconds);

// Mints a project JWT valid for `ttl_seconds` (used by `umbra session …` and tests).
std::string mint_project_token(const ApiCredentials& creds, std::int64_t now_seconds,
                               std::int64_t ttl_seconds = 60);

}  // namespace umbra::server
