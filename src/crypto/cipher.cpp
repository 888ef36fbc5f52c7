#include "crypto/cipher.h"

#include <openssl/evp.h>

#include <climits>
#include <cstring>
#include <stdexcept>

#include "crypto/openssl_error.h"

namespace umbra::crypto {
namespace {

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

const EVP_CIPHER* gcm_for(std::size_t key_size) {
  if (key_size == 16) return EVP_aes_128_gcm();
  if (key_size == 32) return EVP_aes_256_gcm();
  throw std::invalid_argument("AES-GCM key must be 16 or 32 bytes");
}

const EVP_CIPHER* ctr_for(std::size_t key_size) {
  if (key_size == 16) return EVP_aes_128_ctr();
  if (key_size == 32) return EVP_aes_256_ctr();
  throw std::invalid_argument("AES-CTR key must be 16 or 32 bytes");
}

bool fits_int(std::size_t n) {
  return n <= static_cast<std::size_t>(INT_MAX);
}

}  // namespace

// Two contexts keyed once at construction: re-initialising an EVP context with only a new IV is
// far cheaper than setting the key (AES key expansion) on every frame.
struct AesGcm::Impl {
  CipherCtx enc;
  CipherCtx dec;
};

AesGcm::AesGcm(ByteSpan key) : impl_(std::make_unique<Impl>()) {
  const EVP_CIPHER* cipher = gcm_for(key.size());
  impl_->enc.reset(EVP_CIPHER_CTX_new());
  impl_->dec.reset(EVP_CIPHER_CTX_new());
  if (!impl_->enc || !impl_->dec) throw_openssl_error("EVP_CIPHER_CTX_new");
  if (EVP_EncryptInit_ex(impl_->enc.get(), cipher, nullptr, key.data(), nullptr) != 1 ||
      EVP_DecryptInit_ex(impl_->dec.get(), cipher, nullptr, key.data(), nullptr) != 1) {
    throw_openssl_error("AES-GCM key setup");
  }
}

AesGcm::~AesGcm() = default;
AesGcm::AesGcm(AesGcm&&) noexcept = default;
AesGcm& AesGcm::operator=(AesGcm&&) noexcept = default;

bool AesGcm::seal(ByteSpan nonce, ByteSpan aad, ByteSpan plaintext, MutableByteSpan out) const {
  if (nonce.size() != kNonceSize || out.size() < plaintext.size() + kTagSize) return false;
  if (!fits_int(plaintext.size()) || !fits_int(aad.size())) return false;
  EVP_CIPHER_CTX* ctx = impl_->enc.get();
  int len = 0;
  bool ok = EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data()) == 1;
  if (ok && !aad.empty())
    ok = EVP_EncryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1;
  if (ok && !plaintext.empty()) {
    ok = EVP_EncryptUpdate(ctx, out.data(), &len, plaintext.data(), static_cast<int>(plaintext.size())) == 1;
  }
  ok = ok && EVP_EncryptFinal_ex(ctx, out.data() + plaintext.size(), &len) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                                 out.data() + plaintext.size()) == 1;
  if (!ok) clear_openssl_errors();
  return ok;
}

bool AesGcm::open(ByteSpan nonce, ByteSpan aad, ByteSpan ciphertext_and_tag, MutableByteSpan out) const {
  if (nonce.size() != kNonceSize || ciphertext_and_tag.size() < kTagSize) return false;
  const std::size_t ct_size = ciphertext_and_tag.size() - kTagSize;
  if (out.size() < ct_size || !fits_int(ct_size) || !fits_int(aad.size())) return false;
  // Copy the tag first: when decrypting in place the plaintext may overwrite nothing past ct_size,
  // but OpenSSL needs a mutable pointer for the tag ctrl.
  std::uint8_t tag[kTagSize];
  std::memcpy(tag, ciphertext_and_tag.data() + ct_size, kTagSize);
  EVP_CIPHER_CTX* ctx = impl_->dec.get();
  int len = 0;
  bool ok = EVP_DecryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce.data()) == 1;
  if (ok && !aad.empty())
    ok = EVP_DecryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) == 1;
  if (ok && ct_size > 0) {
    ok = EVP_DecryptUpdate(ctx, out.data(), &len, ciphertext_and_tag.data(), static_cast<int>(ct_size)) == 1;
  }
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize), tag) == 1;
  ok = ok && EVP_DecryptFinal_ex(ctx, out.data() + ct_size, &len) == 1;
  if (!ok) {
    // Never hand out unauthenticated plaintext.
    if (ct_size > 0) std::memset(out.data(), 0, ct_size);
    clear_openssl_errors();
  }
  return ok;
}

struct AesCtr::Impl {
  CipherCtx ctx;
};

AesCtr::AesCtr(ByteSpan key) : impl_(std::make_unique<Impl>()) {
  const EVP_CIPHER* cipher = ctr_for(key.size());
  impl_->ctx.reset(EVP_CIPHER_CTX_new());
  if (!impl_->ctx) throw_openssl_error("EVP_CIPHER_CTX_new");
  if (EVP_EncryptInit_ex(impl_->ctx.get(), cipher, nullptr, key.data(), nullptr) != 1) {
    throw_openssl_error("AES-CTR key setup");
  }
}

AesCtr::~AesCtr() = default;
AesCtr::AesCtr(AesCtr&&) noexcept = default;
AesCtr& AesCtr::operator=(AesCtr&&) noexcept = default;

bool AesCtr::apply(ByteSpan iv, ByteSpan in, MutableByteSpan out) const {
  if (iv.size() != kIvSize || out.size() < in.size() || !fits_int(in.size())) return false;
  EVP_CIPHER_CTX* ctx = impl_->ctx.get();
  int len = 0;
  bool ok = EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, iv.data()) == 1;
  if (ok && !in.empty())
    ok = EVP_EncryptUpdate(ctx, out.data(), &len, in.data(), static_cast<int>(in.size())) == 1;
  if (!ok) clear_openssl_errors();
  return ok;
}

}  // namespace umbra::crypto
