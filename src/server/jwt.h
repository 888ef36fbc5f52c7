// Compact JWS with HS256 only (RFC 7515 section 7.1, RFC 7518 section 3.2). Both kinds of Umbra token —
// the project JWT a backend sends to the REST API and the client token a browser joins with — are HS256
// with the API secret (DESIGN.md section 5); every other `alg`, `none` first of all, is refused.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace umbra::server {

enum class JwtError {
  kMalformed,             // not three base64url parts, header or payload not a JSON object, too long
  kUnsupportedAlgorithm,  // alg is not exactly "HS256" (includes "none")
  kBadSignature,
};

std::string_view jwt_error_name(JwtError e);

// Tokens longer than this are refused before any parsing.
inline constexpr std::size_t kMaxJwtSize = 8192;

// `claims_json` must be a serialized JSON object.
std::string jwt_sign_hs256(std::string_view claims_json, std::string_view secret);

// Checks structure, algorithm and signature; returns the payload (claims) JSON text. Time claims are the
// caller's business.
Result<std::string, JwtError> jwt_verify_hs256(std::string_view token, std::string_view secret);

}  // namespace umbra::server
