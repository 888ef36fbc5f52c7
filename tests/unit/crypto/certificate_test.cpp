#include "crypto/certificate.h"

#include <gtest/gtest.h>
#include <openssl/x509.h>

namespace umbra::crypto {
namespace {

TEST(Certificate, GeneratesSelfSignedEcdsaP256) {
  const auto cert = Certificate::generate("umbra-test");
  ASSERT_NE(cert.x509(), nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(cert.private_key()), EVP_PKEY_EC);
  EXPECT_EQ(EVP_PKEY_get_bits(cert.private_key()), 256);
  // Self-signed: the certificate's own public key verifies its signature.
  EXPECT_EQ(X509_verify(cert.x509(), cert.private_key()), 1);
  EXPECT_EQ(X509_check_private_key(cert.x509(), cert.private_key()), 1);
}

TEST(Certificate, FingerprintIsSha256OfDerInSdpFormat) {
  const auto cert = Certificate::generate();
  const Bytes fp = cert.fingerprint();
  ASSERT_EQ(fp.size(), 32u);
  EXPECT_EQ(fp, digest(Hash::kSha256, cert.der()));
  const std::string text = cert.fingerprint_text();
  EXPECT_EQ(text.size(), 32u * 3 - 1);
  EXPECT_EQ(text, format_fingerprint(fp));
  for (std::size_t i = 2; i < text.size(); i += 3) EXPECT_EQ(text[i], ':');
}

TEST(Certificate, TwoCertificatesHaveDifferentFingerprints) {
  EXPECT_NE(Certificate::generate().fingerprint(), Certificate::generate().fingerprint());
}

TEST(Certificate, PeerFingerprintMatchesOwnFingerprint) {
  const auto cert = Certificate::generate();
  EXPECT_EQ(certificate_fingerprint(cert.x509()), cert.fingerprint());
  EXPECT_EQ(certificate_fingerprint(cert.x509(), Hash::kSha1).size(), 20u);
}

TEST(Fingerprint, FormatsUpperCaseHexWithColons) {
  const Bytes digest_bytes{0xab, 0x01, 0xff};
  EXPECT_EQ(format_fingerprint(digest_bytes), "AB:01:FF");
}

TEST(Fingerprint, ParsesEitherCaseAndRejectsMalformedText) {
  EXPECT_EQ(parse_fingerprint("AB:01:ff"), (Bytes{0xab, 0x01, 0xff}));
  EXPECT_EQ(parse_fingerprint("0A"), (Bytes{0x0a}));
  EXPECT_FALSE(parse_fingerprint(""));
  EXPECT_FALSE(parse_fingerprint("AB:0"));
  EXPECT_FALSE(parse_fingerprint("AB-01"));
  EXPECT_FALSE(parse_fingerprint("AB:G1"));
  EXPECT_FALSE(parse_fingerprint("AB:01:"));
  EXPECT_FALSE(parse_fingerprint("ABC"));
}

TEST(Fingerprint, MapsSdpHashNames) {
  EXPECT_EQ(hash_from_sdp_name("sha-256"), Hash::kSha256);
  EXPECT_EQ(hash_from_sdp_name("SHA-256"), Hash::kSha256);
  EXPECT_EQ(hash_from_sdp_name("sha-1"), Hash::kSha1);
  EXPECT_FALSE(hash_from_sdp_name("md5"));
  EXPECT_EQ(sdp_name(Hash::kSha256), "sha-256");
}

}  // namespace
}  // namespace umbra::crypto
