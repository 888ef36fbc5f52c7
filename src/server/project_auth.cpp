#include "server/project_auth.h"

#include <nlohmann/json.hpp>

#include "crypto/random.h"
#include "server/base64url.h"
#include "server/jwt.h"

namespace umbra::server {
namespace {

AuthError fail(std::string code, std::string message) {
  return {std::move(code), std::move(message)};
}

std::optional<std::int64_t> integer_claim(const nlohmann::json& claims, const char* name) {
  const auto it = claims.find(name);
  if (it == claims.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<std::int64_t>();
  if (it->is_number_unsigned()) {
    const auto v = it->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(v);
  }
  if (it->is_number_float()) {  // NumericDate may be fractional (RFC 7519 section 2)
    const double v = it->get<double>();
    if (!(v > -1e15 && v < 1e15)) return std::nullopt;
    return static_cast<std::int64_t>(v);
  }
  return std::nullopt;
}

}  // namespace

Result<ProjectClaims, AuthError> verify_project_token(std::string_view authorization,
                                                      const ApiCredentials& creds, std::int64_t now_seconds) {
  if (authorization.empty()) {
    return err(fail("missing_token", "an Authorization: Bearer <project JWT> header is required"));
  }
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() <= kBearer.size() || authorization.substr(0, kBearer.size()) != kBearer) {
    return err(fail("malformed_token", "the Authorization header must be 'Bearer <project JWT>'"));
  }
  const auto verified = jwt_verify_hs256(authorization.substr(kBearer.size()), creds.secret);
  if (!verified) {
    switch (verified.error()) {
      case JwtError::kUnsupportedAlgorithm:
        return err(fail("unsupported_algorithm", "project JWTs must be signed with HS256"));
      case JwtError::kBadSignature:
        return err(fail("invalid_signature", "the project JWT is not signed with this project's API secret"));
      case JwtError::kMalformed: break;
    }
    return err(fail("malformed_token", "the project JWT is not a well-formed JWS"));
  }
  const auto claims = nlohmann::json::parse(*verified);
  const auto iss = claims.find("iss");
  if (iss == claims.end() || !iss->is_string() || iss->get<std::string>() != creds.key) {
    return err(fail("invalid_issuer", "the project JWT's iss must be the API key"));
  }
  const auto exp = integer_claim(claims, "exp");
  const auto iat = integer_claim(claims, "iat");
  if (!exp || !iat) return err(fail("malformed_token", "the project JWT needs numeric iat and exp claims"));
  if (*exp <= now_seconds) return err(fail("token_expired", "the project JWT has expired"));
  if (*iat > now_seconds + kMaxProjectTokenAheadSeconds) {
    return err(fail("token_not_yet_valid", "the project JWT's iat is more than 5 minutes in the future"));
  }
  if (*exp > now_seconds + kMaxProjectTokenAheadSeconds) {
    return err(fail("token_lifetime_too_long", "the project JWT's exp is more than 5 minutes ahead"));
  }
  ProjectClaims out;
  out.exp = *exp;
  if (const auto jti = claims.find("jti"); jti != claims.end()) {
    if (!jti->is_string()) return err(fail("malformed_token", "the project JWT's jti must be a string"));
    out.jti = jti->get<std::string>();
  }
  return out;
}

Result<void, AuthError> ProjectAuth::verify(std::string_view authorization, std::int64_t now_seconds) {
  const auto claims = verify_project_token(authorization, creds_, now_seconds);
  if (!claims) return err(claims.error());
  if (!claims->jti) return {};
  switch (seen_.check_and_remember(*claims->jti, claims->exp, now_seconds)) {
    case JtiCheck::kFresh: return {};
    case JtiCheck::kReplayed:
      return err(
          fail("token_replayed",
               "this project JWT's jti was already used; mint a new token (with a new jti) per request"));
    case JtiCheck::kFull: break;
  }
  AuthError full = fail("replay_cache_full",
                        "too many distinct project JWTs in the last 5 minutes; retry shortly or send "
                        "tokens without jti");
  full.status = 503;
  return err(std::move(full));
}

std::string mint_project_token(const ApiCredentials& creds, std::int64_t now_seconds,
                               std::int64_t ttl_seconds) {
  Bytes jti(16);
  crypto::random_bytes(jti);
  const nlohmann::json claims = {{"iss", creds.key},
                                 {"iat", now_seconds},
                                 {"exp", now_seconds + ttl_seconds},
                                 {"jti", base64url_encode(jti)}};
  return jwt_sign_hs256(claims.dump(), creds.secret);
}

}  // namespace umbra::server
