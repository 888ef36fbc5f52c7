// HMAC with a key set once and reused per message (STUN integrity, SFrame CTR+HMAC suites, JWT).
// One object holds one working context: use it from one thread at a time (like sframe::Context).
#pragma once

#include <memory>

#include "common/bytes.h"
#include "crypto/hash.h"

namespace umbra::crypto {

class Hmac {
 public:
  Hmac(Hash hash, ByteSpan key);
  ~Hmac();
  Hmac(Hmac&&) noexcept;
  Hmac& operator=(Hmac&&) noexcept;

  std::size_t size() const { return size_; }

  // Computes HMAC(key, parts...) into out (out.size() >= size(); only size() bytes written).
  void compute(ByteSpan data, MutableByteSpan out) const;
  void compute(std::initializer_list<ByteSpan> parts, MutableByteSpan out) const;
  Bytes compute(ByteSpan data) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::size_t size_ = 0;
};

// One-shot convenience.
Bytes hmac(Hash hash, ByteSpan key, ByteSpan data);

}  // namespace umbra::crypto
