// Client tokens let one browser join one session with one role (DESIGN.md section 5). They are minted by
// the REST API or offline by `umbra token create`, and checked when a WebSocket sends `join`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "server/api_credentials.h"

namespace umbra::server {

enum class Role { kSubscriber, kPublisher, kPublisherOnly, kModerator };

std::string_view role_name(Role role);
std::optional<Role> parse_role(std::string_view name);
bool can_publish(Role role);
bool can_subscribe(Role role);
bool can_moderate(Role role);

inline constexpr std::int64_t kDefaultClientTokenTtl = std::int64_t{24} * 3600;
inline constexpr std::int64_t kMaxClientTokenTtl = std::int64_t{30} * 24 * 3600;
inline constexpr std::size_t kMaxClientTokenData = 1000;  // Unicode code points

struct ClientTokenRequest {
  std::string session_id;
  Role role = Role::kPublisher;
  std::int64_t ttl_seconds = kDefaultClientTokenTtl;
  std::string data;
};

struct ClientToken {
  std::string token;
  std::int64_t expires_at = 0;  // seconds since the epoch
};

struct ClientClaims {
  std::string session_id;
  Role role = Role::kSubscriber;
  std::string data;
  std::int64_t expires_at = 0;
};

// Error codes: invalid_session_id, invalid_ttl, data_too_long, invalid_data (not UTF-8).
Result<ClientToken, AuthError> mint_client_token(const ApiCredentials& creds,
                                                 const ClientTokenRequest& request, std::int64_t now_seconds);

// Error codes: invalid_token (malformed, wrong algorithm, signature or issuer, bad claims), token_expired.
Result<ClientClaims, AuthError> verify_client_token(std::string_view token, const ApiCredentials& creds,
                                                    std::int64_t now_seconds);

// Counts code points; nullopt if `text` is not valid UTF-8.
std::optional<std::size_t> utf8_length(std::string_view text);

}  // namespace umbra::server
