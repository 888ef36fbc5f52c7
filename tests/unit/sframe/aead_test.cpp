#include <gtest/gtest.h>

#include <string>

#include "common/hex.h"
#include "sframe/aead.h"
#include "support/vectors.h"

namespace umbra::sframe {
namespace {

using umbra::testing::load_vectors;
using umbra::testing::unhex;

std::string hex(ByteSpan b) {
  return hex_encode(b);
}

// RFC 9605 appendix C.3 (and the AES-256 companion): the CTR+HMAC AEAD on its own.
void check_ctr_hmac_vectors(const char* section) {
  const auto vectors = load_vectors("sframe/test-vectors.json");
  ASSERT_FALSE(vectors.at(section).empty());
  for (const auto& v : vectors.at(section)) {
    const auto suite = v.at("cipher_suite").get<std::uint16_t>();
    SCOPED_TRACE(suite);
    const auto* params = find_suite(suite);
    ASSERT_NE(params, nullptr);
    const auto key = unhex(v.at("key").get<std::string>());
    const auto nonce = unhex(v.at("nonce").get<std::string>());
    const auto aad = unhex(v.at("aad").get<std::string>());
    const auto pt = unhex(v.at("pt").get<std::string>());
    const auto ct = unhex(v.at("ct").get<std::string>());

    // The key splits as enc_key || auth_key.
    EXPECT_EQ(hex(ByteSpan(key).first(params->enc_key_size)), v.at("enc_key").get<std::string>());
    EXPECT_EQ(hex(ByteSpan(key).subspan(params->enc_key_size)), v.at("auth_key").get<std::string>());

    const Aead aead(*params, key);
    Bytes sealed(pt.size() + aead.tag_size());
    ASSERT_TRUE(aead.seal(nonce, aad, pt, sealed));
    EXPECT_EQ(hex(sealed), hex(ct));

    Bytes opened(ct.size());
    ASSERT_TRUE(aead.open(nonce, aad, ct, opened));
    EXPECT_EQ(hex(ByteSpan(opened).first(pt.size())), hex(pt));
  }
}

TEST(SframeAead, Aes128CtrHmacMatchesRfcVectors) {
  check_ctr_hmac_vectors("aes_ctr_hmac");
}

TEST(SframeAead, Aes256CtrHmacMatchesVectors) {
  check_ctr_hmac_vectors("aes_256_ctr_hmac");
}

TEST(SframeAead, CtrHmacRefusesAFlippedBitAnywhereAndWritesNothing) {
  const auto* params = find_suite(0x0001);
  ASSERT_NE(params, nullptr);
  const Bytes key(params->key_size, 0x42);
  const Bytes nonce(kNonceSize, 0x07);
  const auto aad = unhex("0102");
  const auto pt = unhex("00112233445566778899");
  const Aead aead(*params, key);
  Bytes sealed(pt.size() + aead.tag_size());
  ASSERT_TRUE(aead.seal(nonce, aad, pt, sealed));
  for (std::size_t i = 0; i < sealed.size(); ++i) {
    Bytes tampered = sealed;
    tampered[i] ^= 0x01;
    Bytes out(pt.size(), 0xee);
    EXPECT_FALSE(aead.open(nonce, aad, tampered, out)) << i;
    EXPECT_EQ(out, Bytes(pt.size(), 0xee)) << i;
  }
}

TEST(SframeAead, RejectsAKeyOfTheWrongSize) {
  const auto* params = find_suite(0x0004);
  ASSERT_NE(params, nullptr);
  EXPECT_THROW(Aead(*params, Bytes(15)), std::invalid_argument);
}

}  // namespace
}  // namespace umbra::sframe
