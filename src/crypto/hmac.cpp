#include "crypto/hmac.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <stdexcept>

#include "crypto/openssl_error.h"

namespace umbra::crypto {
namespace {

const char* digest_name(Hash hash) {
  switch (hash) {
    case Hash::kSha1: return "SHA1";
    case Hash::kSha256: return "SHA256";
    case Hash::kSha512: return "SHA512";
  }
  return "";
}

}  // namespace

// The context is keyed once; each computation re-initialises it with a null key, which OpenSSL
// defines as "same key again". That skips re-fetching the algorithm, re-hashing the key and any
// allocation per message (EVP_MAC_CTX_dup allocated on every call).
struct Hmac::Impl {
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* ctx = nullptr;
  ~Impl() {
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
  }
};

Hmac::Hmac(Hash hash, ByteSpan key) : impl_(std::make_unique<Impl>()), size_(digest_size(hash)) {
  impl_->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (impl_->mac == nullptr) throw_openssl_error("EVP_MAC_fetch(HMAC)");
  impl_->ctx = EVP_MAC_CTX_new(impl_->mac);
  if (impl_->ctx == nullptr) throw_openssl_error("EVP_MAC_CTX_new");
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest_name(hash)), 0),
      OSSL_PARAM_construct_end()};
  // HMAC with an empty key is legal (RFC 2104 pads it); OpenSSL wants a non-null pointer.
  static constexpr std::uint8_t kEmpty = 0;
  const std::uint8_t* key_ptr = key.empty() ? &kEmpty : key.data();
  if (EVP_MAC_init(impl_->ctx, key_ptr, key.size(), params) != 1) throw_openssl_error("EVP_MAC_init");
}

Hmac::~Hmac() = default;
Hmac::Hmac(Hmac&&) noexcept = default;
Hmac& Hmac::operator=(Hmac&&) noexcept = default;

void Hmac::compute(std::initializer_list<ByteSpan> parts, MutableByteSpan out) const {
  if (out.size() < size_) throw std::invalid_argument("Hmac::compute: output too small");
  EVP_MAC_CTX* ctx = impl_->ctx;
  bool ok = EVP_MAC_init(ctx, nullptr, 0, nullptr) == 1;
  for (ByteSpan part : parts) {
    if (!part.empty()) ok = ok && EVP_MAC_update(ctx, part.data(), part.size()) == 1;
  }
  std::size_t len = 0;
  ok = ok && EVP_MAC_final(ctx, out.data(), &len, out.size()) == 1;
  if (!ok) throw_openssl_error("HMAC");
}

void Hmac::compute(ByteSpan data, MutableByteSpan out) const {
  compute({data}, out);
}

Bytes Hmac::compute(ByteSpan data) const {
  Bytes out(size_);
  compute({data}, out);
  return out;
}

Bytes hmac(Hash hash, ByteSpan key, ByteSpan data) {
  return Hmac(hash, key).compute(data);
}

}  // namespace umbra::crypto
