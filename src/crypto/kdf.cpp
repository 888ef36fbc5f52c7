#include "crypto/kdf.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <memory>
#include <stdexcept>

#include "crypto/openssl_error.h"

namespace umbra::crypto {
namespace {

struct KdfCtxDeleter {
  void operator()(EVP_KDF_CTX* c) const { EVP_KDF_CTX_free(c); }
};
using KdfCtx = std::unique_ptr<EVP_KDF_CTX, KdfCtxDeleter>;

KdfCtx new_kdf(const char* name) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, name, nullptr);
  if (kdf == nullptr) throw_openssl_error(std::string("EVP_KDF_fetch ") + name);
  KdfCtx ctx(EVP_KDF_CTX_new(kdf));
  EVP_KDF_free(kdf);
  if (!ctx) throw_openssl_error("EVP_KDF_CTX_new");
  return ctx;
}

char* digest_name(Hash hash) {
  static char sha1[] = "SHA1";
  static char sha256[] = "SHA256";
  static char sha512[] = "SHA512";
  switch (hash) {
    case Hash::kSha1: return sha1;
    case Hash::kSha256: return sha256;
    case Hash::kSha512: return sha512;
  }
  return sha256;
}

// OpenSSL rejects null buffers even when the length is zero (an empty HKDF salt or info is legal).
void* buf(ByteSpan s) {
  static std::uint8_t empty = 0;
  return s.empty() ? &empty : const_cast<std::uint8_t*>(s.data());
}

Bytes run_hkdf(Hash hash, int mode, ByteSpan salt, ByteSpan key, ByteSpan info, std::size_t length) {
  KdfCtx ctx = new_kdf("HKDF");
  OSSL_PARAM params[6];
  int n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest_name(hash), 0);
  params[n++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
  params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, buf(key), key.size());
  if (mode != EVP_KDF_HKDF_MODE_EXPAND_ONLY) {
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, buf(salt), salt.size());
  }
  if (mode != EVP_KDF_HKDF_MODE_EXTRACT_ONLY) {
    params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, buf(info), info.size());
  }
  params[n] = OSSL_PARAM_construct_end();
  Bytes out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) throw_openssl_error("HKDF");
  return out;
}

}  // namespace

Bytes hkdf_extract(Hash hash, ByteSpan salt, ByteSpan ikm) {
  // RFC 5869 2.2: an absent salt is HashLen zero bytes, which HMAC treats like an empty key.
  return run_hkdf(hash, EVP_KDF_HKDF_MODE_EXTRACT_ONLY, salt, ikm, {}, digest_size(hash));
}

Bytes hkdf_expand(Hash hash, ByteSpan prk, ByteSpan info, std::size_t length) {
  if (length == 0 || length > 255 * digest_size(hash)) throw std::invalid_argument("hkdf_expand: bad length");
  return run_hkdf(hash, EVP_KDF_HKDF_MODE_EXPAND_ONLY, {}, prk, info, length);
}

Bytes hkdf(Hash hash, ByteSpan salt, ByteSpan ikm, ByteSpan info, std::size_t length) {
  if (length == 0 || length > 255 * digest_size(hash)) throw std::invalid_argument("hkdf: bad length");
  return run_hkdf(hash, EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND, salt, ikm, info, length);
}

Bytes pbkdf2(Hash hash, ByteSpan password, ByteSpan salt, std::uint32_t iterations, std::size_t length) {
  if (iterations == 0 || length == 0) throw std::invalid_argument("pbkdf2: zero iterations or length");
  KdfCtx ctx = new_kdf("PBKDF2");
  unsigned int iter = iterations;
  // pkcs5 = 1 turns off the SP 800-132 lower bounds (salt >= 16 bytes) that OpenSSL's default
  // provider enforces; umbra-e2ee-v1 fixes its own salt format, which may be shorter.
  int pkcs5 = 1;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest_name(hash), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD, buf(password), password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, buf(salt), salt.size()),
      OSSL_PARAM_construct_uint(OSSL_KDF_PARAM_ITER, &iter),
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_PKCS5, &pkcs5),
      OSSL_PARAM_construct_end()};
  Bytes out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) throw_openssl_error("PBKDF2");
  return out;
}

}  // namespace umbra::crypto
