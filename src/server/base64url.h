// base64url without padding (RFC 4648 section 5), as JWTs use it (RFC 7515 section 2).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"

namespace umbra::server {

std::string base64url_encode(ByteSpan data);

// Refuses padding, characters outside the url-safe alphabet, a length of 1 mod 4 and non-zero trailing
// bits, so every byte string has exactly one accepted encoding (a JWT cannot be re-encoded and replayed).
std::optional<Bytes> base64url_decode(std::string_view text);

}  // namespace umbra::server
