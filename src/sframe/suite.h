// Parameters of the SFrame cipher suites (RFC 9605 section 4.5 and the section 8.1 registry, plus
// the AES-256-CTR-HMAC-SHA512 suites 0x0006-0x0008). Internal to the module and its tests.
#pragma once

#include <cstddef>
#include <cstdint>

#include "crypto/hash.h"
#include "sframe/sframe.h"

namespace umbra::sframe {

enum class AeadKind {
  kAesGcm,      // AES-GCM as specified by NIST SP 800-38D
  kAesCtrHmac,  // RFC 9605 section 4.5.1: AES-CTR for confidentiality, truncated HMAC for integrity
};

// Every nonce is 12 bytes (Nn) in the registered suites.
inline constexpr std::size_t kNonceSize = 12;

struct SuiteParams {
  CipherSuite suite;
  AeadKind kind;
  crypto::Hash hash;         // for HKDF and, in CTR+HMAC suites, for HMAC
  std::size_t key_size;      // Nk: the whole sframe_key
  std::size_t enc_key_size;  // Nka: the AES part of the key (== Nk for GCM)
  std::size_t tag_size;      // Nt
};

// nullptr for an unregistered suite value.
const SuiteParams* find_suite(std::uint16_t suite);

// Throws std::invalid_argument for an unsupported suite (a programming error at set-up time).
const SuiteParams& suite_params(CipherSuite suite);

}  // namespace umbra::sframe
