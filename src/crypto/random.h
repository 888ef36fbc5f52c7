// The CSPRNG (OpenSSL RAND_bytes). Failure to gather entropy is fatal: nothing may run on weak randomness.
#pragma once

#include <cstdint>

#include "common/bytes.h"

namespace umbra::crypto {

void random_bytes(MutableByteSpan out);
std::uint64_t random_u64();

}  // namespace umbra::crypto
