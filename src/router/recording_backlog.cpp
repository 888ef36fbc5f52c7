#include "router/recording_backlog.h"

namespace umbra::router {

bool RecordingBacklog::try_reserve() {
  // Only the worker reserves, so a load-then-add cannot overshoot: the recording thread can only
  // lower the count in between.
  if (pending_.load(std::memory_order_relaxed) >= limit_) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  pending_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void RecordingBacklog::release() {
  pending_.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace umbra::router
