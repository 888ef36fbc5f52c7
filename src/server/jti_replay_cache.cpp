#include "server/jti_replay_cache.h"

#include "crypto/hash.h"

namespace umbra::server {

void JtiReplayCache::forget_expired(std::int64_t now_seconds) {
  // A token is valid while now < exp (project_auth.cpp), so an id whose exp <= now can never be
  // presented on a valid token again.
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now_seconds) {
    live_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
}

JtiCheck JtiReplayCache::check_and_remember(std::string_view jti, std::int64_t expires_at,
                                            std::int64_t now_seconds) {
  forget_expired(now_seconds);
  const Bytes digest = crypto::digest(crypto::Hash::kSha256, as_bytes(jti));
  std::string key(digest.begin(), digest.end());
  if (live_.contains(key)) return JtiCheck::kReplayed;
  if (live_.size() >= capacity_) return JtiCheck::kFull;
  live_.insert(key);
  by_expiry_.emplace(expires_at, std::move(key));
  return JtiCheck::kFresh;
}

}  // namespace umbra::server
