#include "server/client_token.h"

#include <nlohmann/json.hpp>

#include "crypto/random.h"
#include "server/base64url.h"
#include "server/jwt.h"

namespace umbra::server {
namespace {

AuthError fail(std::string code, std::string message) {
  return {std::move(code), std::move(message)};
}

constexpr std::size_t kMaxSessionIdSize = 128;

}  // namespace

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kSubscriber: return "subscriber";
    case Role::kPublisher: return "publisher";
    case Role::kPublisherOnly: return "publisheronly";
    case Role::kModerator: return "moderator";
  }
  return "subscriber";
}

std::optional<Role> parse_role(std::string_view name) {
  if (name == "subscriber") return Role::kSubscriber;
  if (name == "publisher") return Role::kPublisher;
  if (name == "publisheronly") return Role::kPublisherOnly;
  if (name == "moderator") return Role::kModerator;
  return std::nullopt;
}

bool can_publish(Role role) {
  return role != Role::kSubscriber;
}
bool can_subscribe(Role role) {
  return role != Role::kPublisherOnly;
}
bool can_moderate(Role role) {
  return role == Role::kModerator;
}

std::optional<std::size_t> utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (b < 0x80) {
      len = 1;
      cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2;
      cp = b & 0x1Fu;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3;
      cp = b & 0x0Fu;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4;
      cp = b & 0x07u;
    } else {
      return std::nullopt;
    }
    if (i + len > text.size()) return std::nullopt;
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) return std::nullopt;
      cp = (cp << 6) | (c & 0x3Fu);
    }
    // Overlong forms and surrogates are not UTF-8 (RFC 3629 section 3).
    constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
    i += len;
    ++count;
  }
  return count;
}

Result<ClientToken, AuthError> mint_client_token(const ApiCredentials& creds,
                                                 const ClientTokenRequest& request,
                                                 std::int64_t now_seconds) {
  if (request.session_id.empty() || request.session_id.size() > kMaxSessionIdSize) {
    return err(fail("invalid_session_id", "a session id is required"));
  }
  if (request.ttl_seconds <= 0 || request.ttl_seconds > kMaxClientTokenTtl) {
    return err(fail("invalid_ttl", "ttl must be between 1 second and 30 days"));
  }
  const auto length = utf8_length(request.data);
  if (!length) return err(fail("invalid_data", "data must be valid UTF-8"));
  if (*length > kMaxClientTokenData)
    return err(fail("data_too_long", "data must be at most 1000 characters"));

  Bytes jti(16);
  crypto::random_bytes(jti);
  const std::int64_t exp = now_seconds + request.ttl_seconds;
  nlohmann::json claims = {{"iss", creds.key},
                           {"iat", now_seconds},
                           {"exp", exp},
                           {"jti", base64url_encode(jti)},
                           {"session_id", request.session_id},
                           {"role", role_name(request.role)}};
  if (!request.data.empty()) claims["data"] = request.data;
  return ClientToken{jwt_sign_hs256(claims.dump(), creds.secret), exp};
}

Result<ClientClaims, AuthError> verify_client_token(std::string_view token, const ApiCredentials& creds,
                                                    std::int64_t now_seconds) {
  const auto verified = jwt_verify_hs256(token, creds.secret);
  if (!verified) {
    return err(fail("invalid_token", std::string("the client token is invalid (") +
                                         std::string(jwt_error_name(verified.error())) + ")"));
  }
  const auto claims = nlohmann::json::parse(*verified);
  const auto str = [&](const char* name) -> std::optional<std::string> {
    const auto it = claims.find(name);
    if (it == claims.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  if (str("iss") != creds.key)
    return err(fail("invalid_token", "the client token was issued for another project"));
  const auto exp = claims.find("exp");
  if (exp == claims.end() || !exp->is_number())
    return err(fail("invalid_token", "the client token has no exp"));
  const double exp_value = exp->get<double>();
  if (!(exp_value > 0 && exp_value < 1e15))
    return err(fail("invalid_token", "the client token's exp is invalid"));
  const auto expires_at = static_cast<std::int64_t>(exp_value);
  if (expires_at <= now_seconds) return err(fail("token_expired", "the client token has expired"));
  const auto session_id = str("session_id");
  if (!session_id || session_id->empty() || session_id->size() > kMaxSessionIdSize) {
    return err(fail("invalid_token", "the client token has no session_id"));
  }
  const auto role_text = str("role");
  const auto role = role_text ? parse_role(*role_text) : std::nullopt;
  if (!role) return err(fail("invalid_token", "the client token has no valid role"));
  std::string data;
  if (claims.contains("data")) {
    const auto d = str("data");
    const auto length = d ? utf8_length(*d) : std::nullopt;
    if (!length || *length > kMaxClientTokenData)
      return err(fail("invalid_token", "the client token's data is invalid"));
    data = *d;
  }
  return ClientClaims{*session_id, *role, std::move(data), expires_at};
}

}  // namespace umbra::server
