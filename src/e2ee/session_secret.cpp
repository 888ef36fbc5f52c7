#include "e2ee/session_secret.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <stdexcept>

#include "crypto/hash.h"
#include "crypto/hmac.h"
#include "crypto/kdf.h"
#include "e2ee/secret.h"

namespace umbra::e2ee {

namespace {

constexpr std::string_view kSaltPrefix = "umbra-e2ee-v1:";
constexpr std::string_view kKeyCheckLabel = "umbra-e2ee-v1 key check";
constexpr std::string_view kSenderLabel = "umbra-e2ee-v1 sender";
constexpr std::string_view kVerificationLabel = "umbra-e2ee-v1 verification code";

}  // namespace

SessionSecret::SessionSecret(ByteSpan s) {
  if (s.size() != kSessionSecretSize) throw std::invalid_argument("session secret must be 32 bytes");
  std::copy(s.begin(), s.end(), s_.begin());
  const Bytes mac = crypto::hmac(crypto::Hash::kSha256, s_, as_bytes(kKeyCheckLabel));
  key_check_ = load_be16(mac.data());
}

SessionSecret::~SessionSecret() {
  OPENSSL_cleanse(s_.data(), s_.size());
}

Result<SessionSecret, Error> SessionSecret::derive(std::string_view secret, std::string_view session_id) {
  auto normalized = normalize_secret(secret);
  if (!normalized) return err(normalized.error());
  SessionSecret out = derive_normalized(*normalized, session_id);
  OPENSSL_cleanse(normalized->data(), normalized->size());
  return out;
}

SessionSecret SessionSecret::derive_normalized(std::string_view normalized_secret,
                                               std::string_view session_id) {
  std::string salt;
  salt.reserve(kSaltPrefix.size() + session_id.size());
  salt.append(kSaltPrefix).append(session_id);
  Bytes s = crypto::pbkdf2(crypto::Hash::kSha256, as_bytes(normalized_secret), as_bytes(salt),
                           kPbkdf2Iterations, kSessionSecretSize);
  SessionSecret out(s);
  OPENSSL_cleanse(s.data(), s.size());
  return out;
}

SessionSecret SessionSecret::from_bytes(ByteSpan s) {
  return SessionSecret(s);
}

BaseKey SessionSecret::base_key(std::uint64_t kid) const {
  std::array<std::uint8_t, kSenderLabel.size() + 8> info{};
  std::copy(kSenderLabel.begin(), kSenderLabel.end(), info.begin());
  store_be64(info.data() + kSenderLabel.size(), kid);
  Bytes key = crypto::hkdf(crypto::Hash::kSha256, {}, s_, info, kBaseKeySize);
  BaseKey out{};
  std::copy(key.begin(), key.end(), out.begin());
  OPENSSL_cleanse(key.data(), key.size());
  return out;
}

std::string SessionSecret::verification_code() const {
  const Bytes okm = crypto::hkdf(crypto::Hash::kSha256, {}, s_, as_bytes(kVerificationLabel), 8);
  std::uint64_t v = 0;
  for (const std::uint8_t b : okm) v = (v << 8) | b;
  // Section 4.12 says "modulo 10^20"; every uint64 is already below 10^20, so the digits are v itself.
  std::array<char, 20> digits{};
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    *it = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  std::string code;
  code.reserve(23);
  for (std::size_t group = 0; group < 4; ++group) {
    if (group > 0) code.push_back(' ');
    code.append(digits.data() + group * 5, 5);
  }
  return code;
}

bool operator==(const SessionSecret& a, const SessionSecret& b) {
  return crypto::equal_constant_time(a.s_, b.s_);
}

}  // namespace umbra::e2ee
