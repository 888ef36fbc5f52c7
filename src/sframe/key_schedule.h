// RFC 9605 section 4.4.2: from a base key and KID to sframe_key and sframe_salt, and section 4.4.3's
// nonce. Runs at add_key time only (it allocates); exposed so tests can check intermediate values.
#pragma once

#include <array>
#include <cstdint>

#include "common/bytes.h"
#include "sframe/suite.h"

namespace umbra::sframe {

struct KeyMaterial {
  Bytes secret;  // sframe_secret = HKDF-Extract("", base_key)
  Bytes key;     // sframe_key, Nk bytes
  Bytes salt;    // sframe_salt, Nn bytes
};

// "SFrame 1.0 Secret key " || KID (8 bytes BE) || cipher suite (2 bytes BE)
Bytes key_label(CipherSuite suite, std::uint64_t kid);
// "SFrame 1.0 Secret salt " || KID (8 bytes BE) || cipher suite (2 bytes BE)
Bytes salt_label(CipherSuite suite, std::uint64_t kid);

KeyMaterial derive_key_material(const SuiteParams& params, std::uint64_t kid, ByteSpan base_key);

// nonce = salt XOR CTR, the counter big-endian and right-aligned in Nn bytes.
std::array<std::uint8_t, kNonceSize> form_nonce(const std::array<std::uint8_t, kNonceSize>& salt,
                                                std::uint64_t ctr);

}  // namespace umbra::sframe
