// Key derivation: HKDF (RFC 5869) and PBKDF2 (RFC 8018), both on OpenSSL 3's EVP_KDF.
#pragma once

#include <cstdint>

#include "common/bytes.h"
#include "crypto/hash.h"

namespace umbra::crypto {

Bytes hkdf_extract(Hash hash, ByteSpan salt, ByteSpan ikm);
Bytes hkdf_expand(Hash hash, ByteSpan prk, ByteSpan info, std::size_t length);
Bytes hkdf(Hash hash, ByteSpan salt, ByteSpan ikm, ByteSpan info, std::size_t length);

Bytes pbkdf2(Hash hash, ByteSpan password, ByteSpan salt, std::uint32_t iterations, std::size_t length);

}  // namespace umbra::crypto
