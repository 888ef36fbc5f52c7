// The session secret S and what is derived from it (DESIGN.md sections 4.2, 4.3, 4.5, 4.12):
// the key check, each sender's SFrame base key, and the verification code people compare.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "e2ee/error.h"

namespace umbra::e2ee {

inline constexpr std::uint32_t kPbkdf2Iterations = 100000;
inline constexpr std::size_t kSessionSecretSize = 32;
inline constexpr std::size_t kBaseKeySize = 16;

using BaseKey = std::array<std::uint8_t, kBaseKeySize>;

class SessionSecret {
 public:
  // Validates and NFC-normalizes secret (section 4.1), then runs PBKDF2 (section 4.2). This takes
  // 100000 HMAC iterations on purpose: run it once per secret change, off the media path.
  static Result<SessionSecret, Error> derive(std::string_view secret, std::string_view session_id);
  // The same from a secret already normalized by normalize_secret().
  static SessionSecret derive_normalized(std::string_view normalized_secret, std::string_view session_id);
  // Wraps an S derived elsewhere (a worker thread, a cache); the size must be kSessionSecretSize.
  static SessionSecret from_bytes(ByteSpan s);

  SessionSecret(const SessionSecret&) = default;
  SessionSecret& operator=(const SessionSecret&) = default;
  ~SessionSecret();

  ByteSpan bytes() const { return s_; }
  // Section 4.3: first two bytes of HMAC-SHA256(S, "umbra-e2ee-v1 key check"), big-endian.
  std::uint16_t key_check() const { return key_check_; }
  // Section 4.5: HKDF-SHA256(salt = empty, IKM = S, info = "umbra-e2ee-v1 sender" || KID, L = 16).
  BaseKey base_key(std::uint64_t kid) const;
  // Section 4.12: "ddddd ddddd ddddd ddddd".
  std::string verification_code() const;

  friend bool operator==(const SessionSecret& a, const SessionSecret& b);

 private:
  explicit SessionSecret(ByteSpan s);

  std::array<std::uint8_t, kSessionSecretSize> s_{};
  std::uint16_t key_check_ = 0;
};

}  // namespace umbra::e2ee
