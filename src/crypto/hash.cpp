#include "crypto/hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "crypto/evp.h"
#include "crypto/openssl_error.h"

namespace umbra::crypto {

const EVP_MD* evp_md(Hash hash) {
  switch (hash) {
    case Hash::kSha1: return EVP_sha1();
    case Hash::kSha256: return EVP_sha256();
    case Hash::kSha512: return EVP_sha512();
  }
  return nullptr;
}

std::size_t digest_size(Hash hash) {
  switch (hash) {
    case Hash::kSha1: return 20;
    case Hash::kSha256: return 32;
    case Hash::kSha512: return 64;
  }
  return 0;
}

Bytes digest(Hash hash, ByteSpan data) {
  Bytes out(digest_size(hash));
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, evp_md(hash), nullptr) != 1) {
    throw_openssl_error("EVP_Digest");
  }
  return out;
}

bool equal_constant_time(ByteSpan a, ByteSpan b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace umbra::crypto
