// Sliding replay window over 48-bit SRTP packet indices or 31-bit SRTCP indices (RFC 3711 3.3.2).
// Checked before and updated only after the tag verifies, so forged packets cannot move it.
#pragma once

#include <bitset>
#include <cstdint>

namespace umbra::rtc::srtp {

class ReplayWindow {
 public:
  static constexpr std::uint64_t kSize = 1024;

  enum class Verdict { kNew, kReplayed, kTooOld };

  Verdict check(std::uint64_t index) const {
    if (!started_ || index > highest_) return Verdict::kNew;
    const std::uint64_t delta = highest_ - index;
    if (delta >= kSize) return Verdict::kTooOld;
    return seen_[delta] ? Verdict::kReplayed : Verdict::kNew;
  }

  void accept(std::uint64_t index) {
    if (!started_) {
      started_ = true;
      highest_ = index;
      seen_.reset();
      seen_[0] = true;
      return;
    }
    if (index > highest_) {
      const std::uint64_t shift = index - highest_;
      if (shift >= kSize) {
        seen_.reset();
      } else {
        seen_ <<= static_cast<std::size_t>(shift);
      }
      seen_[0] = true;
      highest_ = index;
      return;
    }
    const std::uint64_t delta = highest_ - index;
    if (delta < kSize) seen_[static_cast<std::size_t>(delta)] = true;
  }

  bool started() const { return started_; }
  std::uint64_t highest() const { return highest_; }

 private:
  std::bitset<kSize> seen_;
  std::uint64_t highest_ = 0;
  bool started_ = false;
};

}  // namespace umbra::rtc::srtp
