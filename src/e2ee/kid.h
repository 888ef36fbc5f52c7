// KID layout (DESIGN.md section 4.4): the secret's 16-bit key check over a random 48-bit sender
// number, so a receiver can tell "wrong secret" from "corrupt frame" before trying any key, and
// the server never chooses KIDs (it cannot force two senders onto one key).
#pragma once

#include <cstdint>

namespace umbra::e2ee {

inline constexpr std::uint64_t kSenderMask = (std::uint64_t{1} << 48) - 1;

constexpr std::uint64_t make_kid(std::uint16_t key_check, std::uint64_t sender) {
  return (std::uint64_t{key_check} << 48) | (sender & kSenderMask);
}
constexpr std::uint16_t kid_key_check(std::uint64_t kid) {
  return static_cast<std::uint16_t>(kid >> 48);
}
constexpr std::uint64_t kid_sender(std::uint64_t kid) {
  return kid & kSenderMask;
}

// A fresh sender number R from the CSPRNG, drawn each time a track starts or the secret changes.
std::uint64_t random_sender();

}  // namespace umbra::e2ee
