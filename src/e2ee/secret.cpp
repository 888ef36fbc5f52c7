#include "e2ee/secret.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/ustring.h>

#include <limits>
#include <vector>

namespace umbra::e2ee {

namespace {

// Strict UTF-8 to UTF-16: ICU's UnicodeString::fromUTF8 would silently substitute U+FFFD for
// ill-formed bytes, and two different byte strings must never collapse onto one secret.
bool utf8_to_unicode(std::string_view utf8, icu::UnicodeString& out) {
  if (utf8.size() > static_cast<std::size_t>(std::numeric_limits<int32_t>::max() / 2)) return false;
  const auto length = static_cast<int32_t>(utf8.size());
  std::vector<UChar> buffer(utf8.size() + 1);
  int32_t written = 0;
  UErrorCode status = U_ZERO_ERROR;
  u_strFromUTF8(buffer.data(), static_cast<int32_t>(buffer.size()), &written, utf8.data(), length, &status);
  if (U_FAILURE(status)) return false;
  out.setTo(buffer.data(), written);
  return true;
}

}  // namespace

Result<std::string, Error> normalize_secret(std::string_view utf8) {
  // More than 4 bytes per code point is impossible; refuse early before any allocation.
  if (utf8.size() > kMaxSecretCodePoints * 4 * 4) return err(Error::kInvalidSecret);
  icu::UnicodeString input;
  if (!utf8_to_unicode(utf8, input)) return err(Error::kInvalidSecret);

  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status) || nfc == nullptr) return err(Error::kInvalidSecret);
  const icu::UnicodeString normalized = nfc->normalize(input, status);
  if (U_FAILURE(status)) return err(Error::kInvalidSecret);

  const auto code_points = static_cast<std::size_t>(normalized.countChar32());
  if (code_points < kMinSecretCodePoints || code_points > kMaxSecretCodePoints) {
    return err(Error::kInvalidSecret);
  }
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

}  // namespace umbra::e2ee
