// Signed archive download URLs (docs/rest-api.md "Download without a project JWT"): a browser cannot add
// an Authorization header to `<video src>`, so the archive JSON carries, next to each file's `url`, a
// `downloadUrl` that is its own short-lived credential for that one file:
//   /v1/archives/{id}/files/{file}?expires=<unix seconds>&signature=<base64url HMAC-SHA256>
// The MAC covers the path and `expires`, under a key derived from the API secret (so rotating the secret
// revokes every outstanding URL, and every node holding the secret accepts them).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"

namespace umbra::server {

// How long a downloadUrl is valid after the archive JSON that carried it was produced.
inline constexpr std::int64_t kDefaultDownloadUrlTtlSeconds = 3600;

enum class DownloadUrlError {
  kInvalidSignature,  // tampered path or expires, another file's signature, malformed or missing parts
  kExpired,           // a genuine signature whose `expires` has passed
};

class DownloadUrlSigner {
 public:
  // `ttl_seconds` is clamped to at least 1.
  DownloadUrlSigner(std::string_view api_secret, std::int64_t ttl_seconds);

  // `path` as it appears in the archive JSON's `url` ("/v1/archives/{id}/files/{file}"); returns it with
  // `?expires=…&signature=…` appended, valid until now + ttl.
  std::string sign(std::string_view path, std::int64_t now_seconds) const;
  // `expires` and `signature` are the query parameters as received (percent-decoded). The signature is
  // checked first and in constant time, so an expired URL is only reported as such when it is genuine.
  Result<void, DownloadUrlError> verify(std::string_view path, std::string_view expires,
                                        std::string_view signature, std::int64_t now_seconds) const;

  std::int64_t ttl_seconds() const { return ttl_seconds_; }

 private:
  Bytes mac(std::string_view path, std::string_view expires) const;

  Bytes key_;
  std::int64_t ttl_seconds_;
};

}  // namespace umbra::server
