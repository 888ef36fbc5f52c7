// Which project JWT ids (`jti`, RFC 7519 section 4.1.7) were already used, so a captured project JWT
// cannot be replayed within its lifetime. An id is remembered until its token's `exp`: after that the
// token is refused as expired anyway. Project JWTs live at most five minutes, so what is held is bounded
// by the request rate; `capacity` bounds it outright. Sans-IO: time is passed in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>

namespace umbra::server {

enum class JtiCheck {
  kFresh,     // never seen (or seen under a token that has expired since): now remembered
  kReplayed,  // seen before, its token still valid: refuse
  kFull,  // `capacity` live ids are held: refuse without remembering (fail closed, never forget one early)
};

class JtiReplayCache {
 public:
  explicit JtiReplayCache(std::size_t capacity) : capacity_(capacity) {}

  // Remembers `jti` until `expires_at` (seconds) unless it is already held.
  JtiCheck check_and_remember(std::string_view jti, std::int64_t expires_at, std::int64_t now_seconds);

  std::size_t size() const { return live_.size(); }
  std::size_t capacity() const { return capacity_; }

 private:
  void forget_expired(std::int64_t now_seconds);

  std::size_t capacity_;
  // Keys are SHA-256 digests of the ids: a jti may be as long as the 8 KiB token, an entry stays 32 bytes.
  std::unordered_set<std::string> live_;
  std::multimap<std::int64_t, std::string> by_expiry_;
};

}  // namespace umbra::server
