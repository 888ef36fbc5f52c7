// Project JWTs authenticate a developer's backend to the REST API (DESIGN.md section 5): HS256 with the
// API secret, `iss` = API key, `iat`, `exp` at most five minutes ahead, and a `jti`. A `jti` makes the
// token single-use (ProjectAuth); a token without one may be reused until it expires (docs/rest-api.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "server/api_credentials.h"
#include "server/jti_replay_cache.h"

namespace umbra::server {

// How far `iat` may be in the future (clock skew) and how far `exp` may be: a stolen project JWT is
// worth at most five minutes.
inline constexpr std::int64_t kMaxProjectTokenAheadSeconds = 300;

// What a verified project JWT says that matters after the checks.
struct ProjectClaims {
  std::optional<std::string> jti;
  std::int64_t exp = 0;
};

// `authorization` is the raw Authorization header value ("Bearer <jwt>"), empty if absent. Stateless:
// it does not know whether the jti was used before (ProjectAuth does).
// Error codes: missing_token, malformed_token, unsupported_algorithm, invalid_signature, invalid_issuer,
// token_expired, token_not_yet_valid, token_lifetime_too_long.
Result<ProjectClaims, AuthError> verify_project_token(std::string_view authorization,
                                                      const ApiCredentials& creds, std::int64_t now_seconds);

// How many distinct jtis of still-valid project JWTs are remembered: 100 000 in five minutes is over
// 300 requests a second, each with its own token, and about 10 MB.
inline constexpr std::size_t kMaxTrackedJtis = 100'000;

// verify_project_token plus replay tracking: a jti already presented on a still-valid token is refused
// (401 token_replayed). When kMaxTrackedJtis ids are live, a token with a new jti is refused with 503
// replay_cache_full until some expire (fail closed: an id is never forgotten before its token expires);
// tokens without a jti are unaffected. Only tokens that pass every other check are remembered, so
// nobody without the API secret can fill the cache.
class ProjectAuth {
 public:
  explicit ProjectAuth(ApiCredentials creds, std::size_t max_tracked = kMaxTrackedJtis)
      : creds_(std::move(creds)), seen_(max_tracked) {}

  Result<void, AuthError> verify(std::string_view authorization, std::int64_t now_seconds);

  std::size_t tracked() const { return seen_.size(); }

 private:
  ApiCredentials creds_;
  JtiReplayCache seen_;
};

// Mints a project JWT valid for `ttl_seconds` (used by `umbra session …` and tests).
std::string mint_project_token(const ApiCredentials& creds, std::int64_t now_seconds,
                               std::int64_t ttl_seconds = 60);

}  // namespace umbra::server
