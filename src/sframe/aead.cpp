#include "sframe/aead.h"

#include <array>
#include <cstring>
#include <stdexcept>

namespace umbra::sframe {
namespace {

// Largest HMAC output of the CTR+HMAC suites (SHA-512).
constexpr std::size_t kMaxMacSize = 64;

}  // namespace

Aead::Aead(const SuiteParams& params, ByteSpan key) : params_(&params) {
  if (key.size() != params.key_size) throw std::invalid_argument("SFrame key has the wrong size");
  if (params.kind == AeadKind::kAesGcm) {
    gcm_.emplace(key);
  } else {
    // RFC 9605 section 4.5.1 derive_subkeys: the encryption key first, the authentication key after.
    ctr_.emplace(key.first(params.enc_key_size));
    hmac_.emplace(params.hash, key.subspan(params.enc_key_size));
  }
}

void Aead::compute_tag(ByteSpan nonce, ByteSpan aad, ByteSpan ciphertext, MutableByteSpan mac) const {
  // auth_data = len(aad) || len(ct) || Nt (each 8 bytes big-endian) || nonce || aad || ct
  std::array<std::uint8_t, 24> lengths{};
  store_be64(lengths.data(), aad.size());
  store_be64(lengths.data() + 8, ciphertext.size());
  store_be64(lengths.data() + 16, params_->tag_size);
  hmac_->compute({ByteSpan(lengths), nonce, aad, ciphertext}, mac);
}

bool Aead::seal(ByteSpan nonce, ByteSpan aad, ByteSpan plaintext, MutableByteSpan out) const {
  const std::size_t nt = params_->tag_size;
  if (nonce.size() != kNonceSize || out.size() < plaintext.size() + nt) return false;
  if (gcm_) return gcm_->seal(nonce, aad, plaintext, out.first(plaintext.size() + nt));

  // The AES-CTR initial counter block is the nonce followed by a 32-bit block counter of zero.
  std::array<std::uint8_t, crypto::AesCtr::kIvSize> iv{};
  std::memcpy(iv.data(), nonce.data(), kNonceSize);
  if (!ctr_->apply(iv, plaintext, out)) return false;
  std::array<std::uint8_t, kMaxMacSize> mac{};
  const auto ciphertext = ByteSpan(out.data(), plaintext.size());
  compute_tag(nonce, aad, ciphertext, mac);
  std::memcpy(out.data() + plaintext.size(), mac.data(), nt);
  return true;
}

bool Aead::open(ByteSpan nonce, ByteSpan aad, ByteSpan ciphertext_and_tag, MutableByteSpan out) const {
  const std::size_t nt = params_->tag_size;
  if (nonce.size() != kNonceSize || ciphertext_and_tag.size() < nt) return false;
  const std::size_t ct_size = ciphertext_and_tag.size() - nt;
  if (out.size() < ct_size) return false;
  if (gcm_) return gcm_->open(nonce, aad, ciphertext_and_tag, out.first(ct_size));

  const auto ciphertext = ciphertext_and_tag.first(ct_size);
  std::array<std::uint8_t, kMaxMacSize> mac{};
  compute_tag(nonce, aad, ciphertext, mac);
  // Verify before decrypting: a forged frame never produces plaintext.
  if (!crypto::equal_constant_time(ByteSpan(mac.data(), nt), ciphertext_and_tag.subspan(ct_size))) {
    return false;
  }
  std::array<std::uint8_t, crypto::AesCtr::kIvSize> iv{};
  std::memcpy(iv.data(), nonce.data(), kNonceSize);
  return ctr_->apply(iv, ciphertext, out);
}

}  // namespace umbra::sframe
