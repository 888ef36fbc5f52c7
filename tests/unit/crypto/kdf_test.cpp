#include "crypto/kdf.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "support/vectors.h"

namespace umbra::crypto {
namespace {

using umbra::testing::unhex;

// RFC 5869 appendix A.1.
TEST(Hkdf, MatchesRfc5869TestCase1) {
  const Bytes ikm(22, 0x0b);
  const Bytes salt = unhex("000102030405060708090a0b0c");
  const Bytes info = unhex("f0f1f2f3f4f5f6f7f8f9");
  const Bytes prk = hkdf_extract(Hash::kSha256, salt, ikm);
  EXPECT_EQ(hex_encode(prk), "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
  const char* okm = "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865";
  EXPECT_EQ(hex_encode(hkdf_expand(Hash::kSha256, prk, info, 42)), okm);
  EXPECT_EQ(hex_encode(hkdf(Hash::kSha256, salt, ikm, info, 42)), okm);
}

// RFC 5869 appendix A.3: empty salt and info.
TEST(Hkdf, AcceptsEmptySaltAndInfo) {
  const Bytes ikm(22, 0x0b);
  EXPECT_EQ(hex_encode(hkdf(Hash::kSha256, {}, ikm, {}, 42)),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

TEST(Hkdf, RefusesOutputLongerThan255Blocks) {
  const Bytes prk(32, 1);
  EXPECT_THROW((void)hkdf_expand(Hash::kSha256, prk, {}, 255 * 32 + 1), std::invalid_argument);
}

// RFC 7914 section 11 (PBKDF2-HMAC-SHA256 vectors).
TEST(Pbkdf2, MatchesRfc7914Vectors) {
  EXPECT_EQ(hex_encode(pbkdf2(Hash::kSha256, as_bytes("passwd"), as_bytes("salt"), 1, 64)),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
            "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
  EXPECT_EQ(hex_encode(pbkdf2(Hash::kSha256, as_bytes("Password"), as_bytes("NaCl"), 80000, 64)),
            "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
            "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

TEST(Pbkdf2, AcceptsShortSalts) {
  // umbra-e2ee-v1 salts are "umbra-e2ee-v1:" || sessionId; OpenSSL's default SP 800-132 checks
  // must not refuse them.
  EXPECT_EQ(pbkdf2(Hash::kSha256, as_bytes("password"), as_bytes("s"), 1, 32).size(), 32u);
}

}  // namespace
}  // namespace umbra::crypto
