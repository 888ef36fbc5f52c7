#include "server/download_url.h"

#include <algorithm>

#include "crypto/hash.h"
#include "crypto/hmac.h"
#include "crypto/kdf.h"
#include "server/base64url.h"

namespace umbra::server {
namespace {

// Domain separation: the download key is never the JWT key itself, so a downloadUrl signature can never
// be presented as (part of) a JWT signature or the other way round.
constexpr std::string_view kKeyInfo = "umbra download url v1";
constexpr std::size_t kKeySize = 32;
// Seconds since the epoch fit in 12 digits until the year 33658; longer text is refused before parsing.
constexpr std::size_t kMaxExpiresDigits = 12;

bool parse_expires(std::string_view text, std::int64_t& out) {
  if (text.empty() || text.size() > kMaxExpiresDigits) return false;
  std::int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

}  // namespace

DownloadUrlSigner::DownloadUrlSigner(std::string_view api_secret, std::int64_t ttl_seconds)
    : key_(crypto::hkdf(crypto::Hash::kSha256, {}, as_bytes(api_secret), as_bytes(kKeyInfo), kKeySize)),
      ttl_seconds_(std::max<std::int64_t>(ttl_seconds, 1)) {}

Bytes DownloadUrlSigner::mac(std::string_view path, std::string_view expires) const {
  // The path and expires are joined with a byte neither can hold ('\n' never survives into a request
  // target), so no two (path, expires) pairs give the same MAC input.
  std::string input;
  input.reserve(path.size() + expires.size() + 1);
  input.append(path);
  input.push_back('\n');
  input.append(expires);
  return crypto::hmac(crypto::Hash::kSha256, key_, as_bytes(input));
}

std::string DownloadUrlSigner::sign(std::string_view path, std::int64_t now_seconds) const {
  const std::string expires = std::to_string(now_seconds + ttl_seconds_);
  std::string url(path);
  url += "?expires=";
  url += expires;
  url += "&signature=";
  url += base64url_encode(mac(path, expires));
  return url;
}

Result<void, DownloadUrlError> DownloadUrlSigner::verify(std::string_view path, std::string_view expires,
                                                         std::string_view signature,
                                                         std::int64_t now_seconds) const {
  std::int64_t expires_at = 0;
  if (!parse_expires(expires, expires_at)) return err(DownloadUrlError::kInvalidSignature);
  const auto given = base64url_decode(signature);
  if (!given) return err(DownloadUrlError::kInvalidSignature);
  if (!crypto::equal_constant_time(*given, mac(path, expires)))
    return err(DownloadUrlError::kInvalidSignature);
  if (expires_at <= now_seconds) return err(DownloadUrlError::kExpired);
  return {};
}

}  // namespace umbra::server
