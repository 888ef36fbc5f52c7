#include "e2ee/secret.h"

#include <gtest/gtest.h>

#include <string>

#include "e2ee/session_secret.h"

namespace umbra::e2ee {
namespace {

std::string repeat(std::string_view s, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out.append(s);
  return out;
}

TEST(Secret, AcceptsEightToTwoHundredFiftySixCodePoints) {
  EXPECT_TRUE(normalize_secret("12345678"));
  EXPECT_TRUE(normalize_secret(repeat("x", 256)));
  // Counted in code points, not bytes: 8 three-byte characters and 256 four-byte ones are fine.
  EXPECT_TRUE(normalize_secret(repeat("\u2713", 8)));
  EXPECT_TRUE(normalize_secret(repeat("\U0001F600", 256)));
}

TEST(Secret, RefusesTooShortAndTooLongSecrets) {
  for (const std::string& bad : {std::string(), std::string("1234567"), repeat("x", 257), repeat("\u2713", 7),
                                 repeat("\U0001F600", 257)}) {
    const auto result = normalize_secret(bad);
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error(), Error::kInvalidSecret);
    EXPECT_EQ(to_string(result.error()), "invalid encryption secret");
  }
}

TEST(Secret, RefusesIllFormedUtf8) {
  for (const std::string& bad : {std::string("password\xff"), std::string("password\xc3"),
                                 std::string("pass\xc0\xafword"),             // overlong '/'
                                 std::string("password\xed\xa0\x80"),         // a UTF-16 surrogate
                                 std::string("password\xf4\x90\x80\x80")}) {  // beyond U+10FFFF
    const auto result = normalize_secret(bad);
    EXPECT_FALSE(result) << "accepted ill-formed bytes";
  }
}

TEST(Secret, NormalizesToNfc) {
  // "Grüße" typed with a combining diaeresis becomes the precomposed form.
  const auto result = normalize_secret(
      "Gru\xcc\x88\xc3\x9f"
      "e secret");
  ASSERT_TRUE(result);
  EXPECT_EQ(*result,
            "Gr\xc3\xbc\xc3\x9f"
            "e secret");
}

TEST(Secret, LeavesAnNfcSecretUnchanged) {
  const std::string nfc =
      "Gr\xc3\xbc\xc3\x9f"
      "e, \xc3\x9cn\xc3\xaf"
      "c\xc3\xb6"
      "d\xc3\xa9";
  const auto result = normalize_secret(nfc);
  ASSERT_TRUE(result);
  EXPECT_EQ(*result, nfc);
}

TEST(Secret, CountsCodePointsAfterNormalization) {
  // Seven letters each followed by a combining accent: 14 code points typed, 7 after NFC.
  const auto result = normalize_secret(repeat("e\xcc\x81", 7));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), Error::kInvalidSecret);
}

TEST(SessionSecret, DeriveRefusesAnInvalidSecret) {
  const auto result = SessionSecret::derive("short", "session-1");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error(), Error::kInvalidSecret);
}

}  // namespace
}  // namespace umbra::e2ee
