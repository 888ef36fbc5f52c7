// The AEAD of an SFrame cipher suite, keyed once with sframe_key (add_key time) and then used per
// frame without allocating. Internal to the module and its tests (the CTR+HMAC vectors drive it).
#pragma once

#include <optional>

#include "common/bytes.h"
#include "crypto/cipher.h"
#include "crypto/hmac.h"
#include "sframe/suite.h"

namespace umbra::sframe {

class Aead {
 public:
  // key is sframe_key (params.key_size bytes); throws std::invalid_argument otherwise.
  Aead(const SuiteParams& params, ByteSpan key);

  const SuiteParams& params() const { return *params_; }
  std::size_t tag_size() const { return params_->tag_size; }

  // Writes ciphertext || tag (plaintext.size() + tag_size() bytes) to out. In-place
  // (out.data() == plaintext.data()) is allowed. False on wrong sizes.
  bool seal(ByteSpan nonce, ByteSpan aad, ByteSpan plaintext, MutableByteSpan out) const;

  // Input is ciphertext || tag; writes the plaintext to out. False if the tag does not verify or
  // sizes are wrong. CTR+HMAC suites write nothing unless the tag verifies.
  bool open(ByteSpan nonce, ByteSpan aad, ByteSpan ciphertext_and_tag, MutableByteSpan out) const;

 private:
  // RFC 9605 section 4.5.1 compute_tag: HMAC over the lengths, nonce, AAD and ciphertext,
  // truncated to Nt. Writes the full HMAC into mac (at least digest size).
  void compute_tag(ByteSpan nonce, ByteSpan aad, ByteSpan ciphertext, MutableByteSpan mac) const;

  const SuiteParams* params_;
  std::optional<crypto::AesGcm> gcm_;
  std::optional<crypto::AesCtr> ctr_;
  std::optional<crypto::Hmac> hmac_;
};

}  // namespace umbra::sframe
