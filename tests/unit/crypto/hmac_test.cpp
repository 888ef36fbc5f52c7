#include "crypto/hmac.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "crypto/hash.h"

namespace umbra::crypto {
namespace {

// RFC 4231 test case 1 and 2.
TEST(Hmac, MatchesRfc4231Sha256AndSha512) {
  const Bytes key(20, 0x0b);
  EXPECT_EQ(hex_encode(hmac(Hash::kSha256, key, as_bytes("Hi There"))),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(hex_encode(hmac(Hash::kSha512, as_bytes("Jefe"), as_bytes("what do ya want for nothing?"))),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

// RFC 2202 test case 1 (HMAC-SHA1, as STUN MESSAGE-INTEGRITY uses).
TEST(Hmac, MatchesRfc2202Sha1) {
  const Bytes key(20, 0x0b);
  EXPECT_EQ(hex_encode(hmac(Hash::kSha1, key, as_bytes("Hi There"))),
            "b617318655057264e28bc0b6fb378c8ef146be00");
}

TEST(Hmac, ReusedKeyGivesSameResultAsOneShotAndPartsConcatenate) {
  const Hmac mac(Hash::kSha256, as_bytes("key"));
  const Bytes a = mac.compute(as_bytes("hello world"));
  const Bytes b = mac.compute(as_bytes("hello world"));
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, hmac(Hash::kSha256, as_bytes("key"), as_bytes("hello world")));
  Bytes parts(32);
  mac.compute({as_bytes("hello "), as_bytes(""), as_bytes("world")}, parts);
  EXPECT_EQ(parts, a);
}

TEST(Hash, DigestsAndComparesInConstantTime) {
  EXPECT_EQ(hex_encode(digest(Hash::kSha256, as_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const Bytes a{1, 2, 3};
  const Bytes b{1, 2, 4};
  EXPECT_TRUE(equal_constant_time(a, a));
  EXPECT_FALSE(equal_constant_time(a, b));
  EXPECT_FALSE(equal_constant_time(a, ByteSpan(a).first(2)));
}

}  // namespace
}  // namespace umbra::crypto
