// Hex encoding for fixtures, the CLI and logs of public values (never of keys).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"

namespace umbra {

std::string hex_encode(ByteSpan bytes);

// Accepts upper or lower case; surrounding whitespace is ignored. Odd length or a non-hex
// character gives nullopt.
std::optional<Bytes> hex_decode(std::string_view hex);

}  // namespace umbra
