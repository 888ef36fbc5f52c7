#include "sframe/key_schedule.h"

#include <string_view>

#include "crypto/kdf.h"

namespace umbra::sframe {
namespace {

Bytes label(std::string_view prefix, CipherSuite suite, std::uint64_t kid) {
  Bytes out(prefix.begin(), prefix.end());
  const std::size_t at = out.size();
  out.resize(at + 8 + 2);
  store_be64(out.data() + at, kid);
  store_be16(out.data() + at + 8, static_cast<std::uint16_t>(suite));
  return out;
}

}  // namespace

Bytes key_label(CipherSuite suite, std::uint64_t kid) {
  return label("SFrame 1.0 Secret key ", suite, kid);
}

Bytes salt_label(CipherSuite suite, std::uint64_t kid) {
  return label("SFrame 1.0 Secret salt ", suite, kid);
}

KeyMaterial derive_key_material(const SuiteParams& params, std::uint64_t kid, ByteSpan base_key) {
  KeyMaterial m;
  m.secret = crypto::hkdf_extract(params.hash, {}, base_key);
  m.key = crypto::hkdf_expand(params.hash, m.secret, key_label(params.suite, kid), params.key_size);
  m.salt = crypto::hkdf_expand(params.hash, m.secret, salt_label(params.suite, kid), kNonceSize);
  return m;
}

std::array<std::uint8_t, kNonceSize> form_nonce(const std::array<std::uint8_t, kNonceSize>& salt,
                                                std::uint64_t ctr) {
  std::array<std::uint8_t, kNonceSize> nonce = salt;
  for (std::size_t i = 0; i < 8; ++i) {
    nonce[kNonceSize - 1 - i] ^= static_cast<std::uint8_t>(ctr >> (8 * i));
  }
  return nonce;
}

}  // namespace umbra::sframe
