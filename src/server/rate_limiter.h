// Token bucket for signaling messages (docs/protocol.md section 1): bursts are fine, floods are not.
#pragma once

#include <algorithm>
#include <cstdint>

namespace umbra::server {

class RateLimiter {
 public:
  RateLimiter(double capacity, double refill_per_second)
      : capacity_(capacity), refill_per_ms_(refill_per_second / 1000.0), tokens_(capacity) {}

  // True if a message arriving at `now_ms` may pass (and takes a token).
  bool allow(std::int64_t now_ms) {
    if (last_ms_ >= 0 && now_ms > last_ms_) {
      tokens_ = std::min(capacity_, tokens_ + static_cast<double>(now_ms - last_ms_) * refill_per_ms_);
    }
    if (now_ms > last_ms_) last_ms_ = now_ms;
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

 private:
  double capacity_;
  double refill_per_ms_;
  double tokens_;
  std::int64_t last_ms_ = -1;
};

}  // namespace umbra::server
