#include "server/download_url.h"

#include <gtest/gtest.h>

#include <string>

#include "server/http_types.h"

namespace umbra::server {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::string_view kPath =
    "/v1/archives/arc_Zk3mYw1Qx0aH2b5cVnq1wA/files/str_k2VdS0pY8m1qZr3c-video.webm";

struct SignedParts {
  std::string path;
  std::string expires;
  std::string signature;
};

SignedParts split(const std::string& url) {
  const auto [path, query] = split_target(url);
  return {path, query_param(query, "expires"), query_param(query, "signature")};
}

std::string outcome(const DownloadUrlSigner& signer, const SignedParts& parts, std::int64_t now) {
  const auto verified = signer.verify(parts.path, parts.expires, parts.signature, now);
  if (verified) return "ok";
  return verified.error() == DownloadUrlError::kExpired ? "expired" : "invalid";
}

TEST(DownloadUrl, SignedUrlIsThePathWithExpiresAndSignature) {
  const DownloadUrlSigner signer("devsecret", 3600);
  const std::string url = signer.sign(kPath, kNow);
  ASSERT_TRUE(url.starts_with(std::string(kPath) + "?expires=1800003600&signature="));
  const auto parts = split(url);
  EXPECT_EQ(parts.path, kPath);
  EXPECT_EQ(parts.signature.size(), 43u) << "HMAC-SHA256 in unpadded base64url";
}

TEST(DownloadUrl, AcceptsItsOwnUrlUntilItExpires) {
  const DownloadUrlSigner signer("devsecret", 3600);
  const auto parts = split(signer.sign(kPath, kNow));
  EXPECT_EQ(outcome(signer, parts, kNow), "ok");
  EXPECT_EQ(outcome(signer, parts, kNow + 3599), "ok");
  EXPECT_EQ(outcome(signer, parts, kNow + 3600), "expired");
  EXPECT_EQ(outcome(signer, parts, kNow + 86400), "expired");
}

TEST(DownloadUrl, AnotherServerWithTheSameSecretAcceptsIt) {
  const auto parts = split(DownloadUrlSigner("devsecret", 60).sign(kPath, kNow));
  EXPECT_EQ(outcome(DownloadUrlSigner("devsecret", 3600), parts, kNow), "ok");
}

TEST(DownloadUrl, RefusesAUrlSignedUnderAnotherSecret) {
  const auto parts = split(DownloadUrlSigner("oldsecret", 3600).sign(kPath, kNow));
  EXPECT_EQ(outcome(DownloadUrlSigner("devsecret", 3600), parts, kNow), "invalid");
}

TEST(DownloadUrl, RefusesAnotherFilesSignature) {
  const DownloadUrlSigner signer("devsecret", 3600);
  auto parts = split(signer.sign(kPath, kNow));
  parts.path = "/v1/archives/arc_Zk3mYw1Qx0aH2b5cVnq1wA/files/str_k2VdS0pY8m1qZr3c-audio.webm";
  EXPECT_EQ(outcome(signer, parts, kNow), "invalid");
}

TEST(DownloadUrl, RefusesAnExtendedExpiry) {
  const DownloadUrlSigner signer("devsecret", 3600);
  auto parts = split(signer.sign(kPath, kNow));
  parts.expires = "1800007200";
  EXPECT_EQ(outcome(signer, parts, kNow), "invalid");
  parts.expires = "01800003600";  // the same instant written differently is another MAC input
  EXPECT_EQ(outcome(signer, parts, kNow), "invalid");
}

TEST(DownloadUrl, ATamperedExpiredUrlIsInvalidNotExpired) {
  const DownloadUrlSigner signer("devsecret", 3600);
  auto parts = split(signer.sign(kPath, kNow));
  parts.expires = "1000";
  EXPECT_EQ(outcome(signer, parts, kNow), "invalid") << "only a genuine URL may learn it is merely late";
}

TEST(DownloadUrl, RefusesMalformedParts) {
  const DownloadUrlSigner signer("devsecret", 3600);
  const auto good = split(signer.sign(kPath, kNow));
  for (const std::string expires : {"", "-1", "+1800003600", "1800003600 ", "18e8", "9999999999999"}) {
    EXPECT_EQ(outcome(signer, {good.path, expires, good.signature}, kNow), "invalid") << expires;
  }
  for (const std::string& signature : {std::string(), good.signature + "=", good.signature.substr(1),
                                       good.signature + "AA", std::string(43, '*')}) {
    EXPECT_EQ(outcome(signer, {good.path, good.expires, signature}, kNow), "invalid") << signature;
  }
}

TEST(DownloadUrl, ChangingOneCharacterOfTheSignatureBreaksIt) {
  const DownloadUrlSigner signer("devsecret", 3600);
  const auto good = split(signer.sign(kPath, kNow));
  for (std::size_t i = 0; i + 1 < good.signature.size(); ++i) {  // the last one also holds padding bits
    auto parts = good;
    parts.signature[i] = parts.signature[i] == 'A' ? 'B' : 'A';
    EXPECT_EQ(outcome(signer, parts, kNow), "invalid") << i;
  }
}

}  // namespace
}  // namespace umbra::server
