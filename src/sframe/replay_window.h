// Per-KID replay protection (RFC 9605 section 9.3): remembers the highest counter that opened and
// which of the kSize counters below it did. Callers check first and mark only after the tag
// verifies, so a forged frame can never move the window.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>

namespace umbra::sframe {

class ReplayWindow {
 public:
  static constexpr std::size_t kSize = 128;

  // True if ctr has not opened yet and is not older than the window.
  bool accepts(std::uint64_t ctr) const;
  // Records that ctr opened (after its tag verified). Slides the window forward if ctr is new.
  void mark(std::uint64_t ctr);

 private:
  bool empty_ = true;
  std::uint64_t top_ = 0;    // highest counter marked
  std::bitset<kSize> seen_;  // bit i: counter top_ - i was marked
};

}  // namespace umbra::sframe
