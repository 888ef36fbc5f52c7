#include "crypto/random.h"

#include <openssl/rand.h>

#include "crypto/openssl_error.h"

namespace umbra::crypto {

void random_bytes(MutableByteSpan out) {
  if (out.empty()) return;
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) throw_openssl_error("RAND_bytes");
}

std::uint64_t random_u64() {
  std::uint8_t b[8];
  random_bytes(b);
  std::uint64_t v = 0;
  for (std::uint8_t x : b) v = (v << 8) | x;
  return v;
}

}  // namespace umbra::crypto
