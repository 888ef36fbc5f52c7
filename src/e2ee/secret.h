// The encryption secret people type (DESIGN.md section 4.1): 8 to 256 Unicode code points,
// normalized to NFC so that the same words typed on different keyboards give the same keys.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "e2ee/error.h"

namespace umbra::e2ee {

inline constexpr std::size_t kMinSecretCodePoints = 8;
inline constexpr std::size_t kMaxSecretCodePoints = 256;

// Returns the NFC form of utf8, UTF-8 encoded. Ill-formed UTF-8 and a length outside 8..256 code
// points (counted on the NFC form, so canonically equivalent inputs are accepted or refused alike)
// give kInvalidSecret.
Result<std::string, Error> normalize_secret(std::string_view utf8);

}  // namespace umbra::e2ee
