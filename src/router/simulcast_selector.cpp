#include "router/simulcast_selector.h"

#include <algorithm>

namespace umbra::router {

SimulcastSelector::SimulcastSelector(std::size_t layer_count)
    : count_(std::clamp<std::size_t>(layer_count, 1, kMaxLayers)), preferred_(count_ - 1) {}

void SimulcastSelector::set_preferred(std::size_t layer, TimePoint now) {
  preferred_ = std::min(layer, count_ - 1);
  retarget(now);
}

bool SimulcastSelector::flowing(std::size_t layer, TimePoint now) const {
  const auto& seen = last_seen_[layer];
  return seen && now - *seen < kInactiveAfter;
}

std::optional<std::size_t> SimulcastSelector::best(TimePoint now) const {
  // The highest flowing layer at or below the ceiling...
  for (std::size_t l = preferred_ + 1; l-- > 0;) {
    if (flowing(l, now)) return l;
  }
  // ...or, when the publisher sends nothing that low, the lowest one above it.
  for (std::size_t l = preferred_ + 1; l < count_; ++l) {
    if (flowing(l, now)) return l;
  }
  return std::nullopt;
}

bool SimulcastSelector::retarget(TimePoint now) {
  const auto next = best(now);
  // Nothing flows at all: keep what we had, there is nothing better to wait for.
  if (!next || next == target_) return false;
  target_ = next;
  return true;
}

SimulcastSelector::Decision SimulcastSelector::on_packet(std::size_t layer, bool keyframe, TimePoint now) {
  if (layer >= count_) return {};
  last_seen_[layer] = now;
  if (!first_seen_) first_seen_ = now;
  retarget(now);
  if (current_ == layer) return {true, false};
  const bool early = !current_ && layer < preferred_ && now - *first_seen_ < kStartGrace;
  if (target_ == layer && keyframe && !early) {
    current_ = layer;
    return {true, true};
  }
  return {};
}

bool SimulcastSelector::on_timeout(TimePoint now) {
  return retarget(now);
}

void SimulcastSelector::restart(TimePoint now) {
  current_.reset();
  retarget(now);
}

}  // namespace umbra::router
