#include "crypto/cipher.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "crypto/random.h"
#include "support/vectors.h"

namespace umbra::crypto {
namespace {

using umbra::testing::unhex;

// "The Galois/Counter Mode of Operation (GCM)", McGrew & Viega, test case 4 (AES-128, with AAD).
struct GcmCase {
  Bytes key = unhex("feffe9928665731c6d6a8f9467308308");
  Bytes iv = unhex("cafebabefacedbaddecaf888");
  Bytes pt = unhex(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525"
      "b16aedf5aa0de657ba637b39");
  Bytes aad = unhex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  std::string ct_tag =
      "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa05"
      "1ba30b396a0aac973d58e091"
      "5bc94fbc3221a5db94fae95ae7121a47";
};

TEST(AesGcm, MatchesGcmSpecTestCase4) {
  GcmCase c;
  const AesGcm gcm(c.key);
  Bytes out(c.pt.size() + AesGcm::kTagSize);
  ASSERT_TRUE(gcm.seal(c.iv, c.aad, c.pt, out));
  EXPECT_EQ(hex_encode(out), c.ct_tag);
  Bytes back(c.pt.size());
  ASSERT_TRUE(gcm.open(c.iv, c.aad, out, back));
  EXPECT_EQ(back, c.pt);
}

TEST(AesGcm, RejectsAnyFlippedBitAndReturnsNoPlaintext) {
  GcmCase c;
  const AesGcm gcm(c.key);
  Bytes sealed = unhex(c.ct_tag);
  for (std::size_t i = 0; i < sealed.size(); i += 7) {
    Bytes bad = sealed;
    bad[i] ^= 0x01;
    Bytes out(c.pt.size(), 0xee);
    EXPECT_FALSE(gcm.open(c.iv, c.aad, bad, out)) << "byte " << i;
    EXPECT_EQ(out, Bytes(c.pt.size(), 0)) << "plaintext leaked for byte " << i;
  }
  Bytes aad = c.aad;
  aad[0] ^= 0x80;
  Bytes out(c.pt.size());
  EXPECT_FALSE(gcm.open(c.iv, aad, sealed, out));
}

TEST(AesGcm, SealsAndOpensInPlaceWithAes256) {
  Bytes key(32);
  random_bytes(key);
  const AesGcm gcm(key);
  const Bytes nonce(12, 7);
  Bytes buf(100 + AesGcm::kTagSize);
  for (std::size_t i = 0; i < 100; ++i) buf[i] = static_cast<std::uint8_t>(i);
  const Bytes original(buf.begin(), buf.begin() + 100);
  ASSERT_TRUE(gcm.seal(nonce, {}, ByteSpan(buf).first(100), buf));
  EXPECT_NE(Bytes(buf.begin(), buf.begin() + 100), original);
  ASSERT_TRUE(gcm.open(nonce, {}, buf, buf));
  EXPECT_EQ(Bytes(buf.begin(), buf.begin() + 100), original);
}

TEST(AesGcm, RefusesWrongSizes) {
  EXPECT_THROW(AesGcm(Bytes(15)), std::invalid_argument);
  const AesGcm gcm(Bytes(16));
  Bytes out(10);
  EXPECT_FALSE(gcm.seal(Bytes(11), {}, Bytes(1), out));  // short nonce
  Bytes small(16);
  EXPECT_FALSE(gcm.seal(Bytes(12), {}, Bytes(1), small));  // no room for the tag
  EXPECT_FALSE(gcm.open(Bytes(12), {}, Bytes(15), out));   // shorter than a tag
}

// NIST SP 800-38A F.5.1 (CTR-AES128.Encrypt), first block.
TEST(AesCtr, MatchesSp80038aVector) {
  const AesCtr ctr(unhex("2b7e151628aed2a6abf7158809cf4f3c"));
  const Bytes iv = unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  const Bytes pt = unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51");
  Bytes out(pt.size());
  ASSERT_TRUE(ctr.apply(iv, pt, out));
  EXPECT_EQ(hex_encode(out), "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff");
  Bytes back(pt.size());
  ASSERT_TRUE(ctr.apply(iv, out, back));
  EXPECT_EQ(back, pt);
}

TEST(Random, ProducesDistinctValues) {
  EXPECT_NE(random_u64(), random_u64());
}

}  // namespace
}  // namespace umbra::crypto
