#include "sframe/replay_window.h"

namespace umbra::sframe {

bool ReplayWindow::accepts(std::uint64_t ctr) const {
  if (empty_ || ctr > top_) return true;
  const std::uint64_t age = top_ - ctr;
  if (age >= kSize) return false;  // too old to tell apart from a replay
  return !seen_.test(static_cast<std::size_t>(age));
}

void ReplayWindow::mark(std::uint64_t ctr) {
  if (empty_) {
    empty_ = false;
    top_ = ctr;
    seen_.reset();
    seen_.set(0);
    return;
  }
  if (ctr > top_) {
    const std::uint64_t shift = ctr - top_;
    if (shift >= kSize) {
      seen_.reset();
    } else {
      seen_ <<= static_cast<std::size_t>(shift);
    }
    top_ = ctr;
    seen_.set(0);
    return;
  }
  const std::uint64_t age = top_ - ctr;
  if (age < kSize) seen_.set(static_cast<std::size_t>(age));
}

}  // namespace umbra::sframe
