#include "server/jwt.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/base64url.h"

namespace umbra::server {
namespace {

TEST(Base64Url, RoundTripsEveryLength) {
  Bytes data;
  for (int i = 0; i < 40; ++i) {
    const auto decoded = base64url_decode(base64url_encode(data));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, data);
    data.push_back(static_cast<std::uint8_t>(i * 37 + 250));
  }
}

TEST(Base64Url, EncodesRfc4648ExamplesWithoutPadding) {
  EXPECT_EQ(base64url_encode(as_bytes("f")), "Zg");
  EXPECT_EQ(base64url_encode(as_bytes("fo")), "Zm8");
  EXPECT_EQ(base64url_encode(as_bytes("foobar")), "Zm9vYmFy");
  const Bytes url_chars = {0xfb, 0xff};
  EXPECT_EQ(base64url_encode(url_chars), "-_8");
}

TEST(Base64Url, RefusesPaddingForeignCharactersAndNonCanonicalBits) {
  EXPECT_FALSE(base64url_decode("Zg==").has_value());
  EXPECT_FALSE(base64url_decode("Zm9v+mFy").has_value());
  EXPECT_FALSE(base64url_decode("Zh").has_value());  // trailing bits set
  EXPECT_FALSE(base64url_decode("Z").has_value());
}

// RFC 7515 appendix A.1: the HS256 example verifies with its key.
TEST(Jwt, VerifiesRfc7515HmacExample) {
  const std::string token =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
      "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  const auto key = base64url_decode(
      "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow");
  ASSERT_TRUE(key.has_value());
  const std::string secret(key->begin(), key->end());
  const auto payload = jwt_verify_hs256(token, secret);
  ASSERT_TRUE(payload.ok());
  EXPECT_EQ(nlohmann::json::parse(*payload)["iss"], "joe");
}

TEST(Jwt, SignedTokenVerifiesWithSameSecretOnly) {
  const auto token = jwt_sign_hs256(R"({"a":1})", "secret-one");
  EXPECT_TRUE(jwt_verify_hs256(token, "secret-one").ok());
  const auto other = jwt_verify_hs256(token, "secret-two");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error(), JwtError::kBadSignature);
}

TEST(Jwt, RefusesAlgNoneEvenWithoutSignature) {
  const std::string header = base64url_encode(as_bytes(R"({"alg":"none","typ":"JWT"})"));
  const std::string payload = base64url_encode(as_bytes(R"({"iss":"devkey"})"));
  const auto result = jwt_verify_hs256(header + "." + payload + ".", "devsecret");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), JwtError::kUnsupportedAlgorithm);
}

TEST(Jwt, RefusesOtherAlgorithmsSignedWithTheSecret) {
  // Algorithm confusion: the token says HS512 but is otherwise well formed.
  const std::string header = base64url_encode(as_bytes(R"({"alg":"HS512"})"));
  const auto result = jwt_verify_hs256(header + ".e30.AAAA", "devsecret");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), JwtError::kUnsupportedAlgorithm);
}

TEST(Jwt, RefusesTamperedPayload) {
  auto token = jwt_sign_hs256(R"({"role":"subscriber"})", "s");
  const auto dot1 = token.find('.');
  const auto dot2 = token.find('.', dot1 + 1);
  token.replace(dot1 + 1, dot2 - dot1 - 1, base64url_encode(as_bytes(R"({"role":"moderator"})")));
  const auto result = jwt_verify_hs256(token, "s");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), JwtError::kBadSignature);
}

TEST(Jwt, RefusesMalformedShapes) {
  for (const std::string bad : {"", "abc", "a.b", "a.b.c.d", "..", "e30.e30.", "bm90anNvbg.e30.AAAA"}) {
    const auto result = jwt_verify_hs256(bad, "s");
    ASSERT_FALSE(result.ok()) << bad;
  }
  const auto huge = std::string(kMaxJwtSize + 1, 'a');
  EXPECT_FALSE(jwt_verify_hs256(huge, "s").ok());
}

TEST(Jwt, RefusesPayloadThatIsNotAnObject) {
  const auto token = jwt_sign_hs256("[1,2]", "s");
  const auto result = jwt_verify_hs256(token, "s");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), JwtError::kMalformed);
}

}  // namespace
}  // namespace umbra::server
