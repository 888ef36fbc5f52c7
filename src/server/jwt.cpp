#include "server/jwt.h"

#include <nlohmann/json.hpp>

#include "crypto/hash.h"
#include "crypto/hmac.h"
#include "server/base64url.h"

namespace umbra::server {
namespace {

Bytes sign(std::string_view signing_input, std::string_view secret) {
  return crypto::hmac(crypto::Hash::kSha256, as_bytes(secret), as_bytes(signing_input));
}

std::optional<nlohmann::json> decode_object(std::string_view part) {
  auto raw = base64url_decode(part);
  if (!raw) return std::nullopt;
  auto json = nlohmann::json::parse(raw->begin(), raw->end(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  return json;
}

}  // namespace

std::string_view jwt_error_name(JwtError e) {
  switch (e) {
    case JwtError::kMalformed: return "malformed";
    case JwtError::kUnsupportedAlgorithm: return "unsupported_algorithm";
    case JwtError::kBadSignature: return "bad_signature";
  }
  return "unknown";
}

std::string jwt_sign_hs256(std::string_view claims_json, std::string_view secret) {
  static constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";
  std::string token = base64url_encode(as_bytes(kHeader));
  token += '.';
  token += base64url_encode(as_bytes(claims_json));
  const Bytes mac = sign(token, secret);
  token += '.';
  token += base64url_encode(mac);
  return token;
}

Result<std::string, JwtError> jwt_verify_hs256(std::string_view token, std::string_view secret) {
  if (token.empty() || token.size() > kMaxJwtSize) return err(JwtError::kMalformed);
  const auto dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return err(JwtError::kMalformed);
  const auto dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return err(JwtError::kMalformed);
  }
  const std::string_view header_part = token.substr(0, dot1);
  const std::string_view payload_part = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature_part = token.substr(dot2 + 1);

  const auto header = decode_object(header_part);
  if (!header) return err(JwtError::kMalformed);
  // RFC 8725 section 3.1: the algorithm is fixed by us, never chosen by the token.
  const auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string() || alg->get<std::string>() != "HS256") {
    return err(JwtError::kUnsupportedAlgorithm);
  }
  if (header->contains("crit")) return err(JwtError::kMalformed);  // RFC 7515 4.1.11: we understand none

  const auto signature = base64url_decode(signature_part);
  if (!signature) return err(JwtError::kMalformed);
  const Bytes expected = sign(token.substr(0, dot2), secret);
  if (!crypto::equal_constant_time(*signature, expected)) return err(JwtError::kBadSignature);

  auto payload_raw = base64url_decode(payload_part);
  if (!payload_raw) return err(JwtError::kMalformed);
  std::string payload(payload_raw->begin(), payload_raw->end());
  const auto parsed = nlohmann::json::parse(payload, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return err(JwtError::kMalformed);
  return payload;
}

}  // namespace umbra::server
