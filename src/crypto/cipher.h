// Symmetric ciphers keyed once and reused per packet/frame: AES-GCM (AEAD) and AES-CTR.
// Hot-path calls take spans and return bool/size instead of throwing; construction with a
// key of the wrong size throws std::invalid_argument (a programming error).
#pragma once

#include <memory>

#include "common/bytes.h"

namespace umbra::crypto {

// AES-128-GCM or AES-256-GCM, chosen by key length (16 or 32), 12-byte nonce, 16-byte tag.
class AesGcm {
 public:
  static constexpr std::size_t kNonceSize = 12;
  static constexpr std::size_t kTagSize = 16;

  explicit AesGcm(ByteSpan key);
  ~AesGcm();
  AesGcm(AesGcm&&) noexcept;
  AesGcm& operator=(AesGcm&&) noexcept;

  // Writes ciphertext || tag (plaintext.size() + kTagSize bytes) to out. In-place (out.data() ==
  // plaintext.data()) is allowed. False if out is too small or the nonce has the wrong size.
  bool seal(ByteSpan nonce, ByteSpan aad, ByteSpan plaintext, MutableByteSpan out) const;

  // Input is ciphertext || tag; writes the plaintext (input.size() - kTagSize bytes). False if the
  // tag does not verify (out is then zeroed) or sizes are wrong. In-place allowed.
  bool open(ByteSpan nonce, ByteSpan aad, ByteSpan ciphertext_and_tag, MutableByteSpan out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// AES-CTR with a 16-byte initial counter block, key of 16 or 32 bytes. Encrypt == decrypt.
class AesCtr {
 public:
  static constexpr std::size_t kIvSize = 16;

  explicit AesCtr(ByteSpan key);
  ~AesCtr();
  AesCtr(AesCtr&&) noexcept;
  AesCtr& operator=(AesCtr&&) noexcept;

  // out.size() must be >= in.size(); in-place allowed.
  bool apply(ByteSpan iv, ByteSpan in, MutableByteSpan out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace umbra::crypto
