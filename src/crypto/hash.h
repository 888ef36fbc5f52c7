// Hash algorithms by name, as the protocols name them (SFrame suites, STUN, HKDF, JWT).
#pragma once

#include <cstddef>

#include "common/bytes.h"

namespace umbra::crypto {

enum class Hash { kSha1, kSha256, kSha512 };

std::size_t digest_size(Hash hash);

Bytes digest(Hash hash, ByteSpan data);

// Compares in time independent of where the inputs differ (tags, MACs, fingerprints).
bool equal_constant_time(ByteSpan a, ByteSpan b);

}  // namespace umbra::crypto
