#include "server/project_auth.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/base64url.h"
#include "server/jwt.h"

namespace umbra::server {
namespace {

const ApiCredentials kCreds{"devkey", "devsecret"};
constexpr std::int64_t kNow = 1'800'000'000;

std::string bearer(const nlohmann::json& claims, std::string_view secret = "devsecret") {
  return "Bearer " + jwt_sign_hs256(claims.dump(), secret);
}

std::string code_of(std::string_view authorization) {
  const auto result = verify_project_token(authorization, kCreds, kNow);
  return result.ok() ? "ok" : result.error().code;
}

TEST(ProjectAuth, AcceptsMintedToken) {
  EXPECT_EQ(code_of("Bearer " + mint_project_token(kCreds, kNow)), "ok");
}

TEST(ProjectAuth, RefusesMissingHeader) {
  EXPECT_EQ(code_of(""), "missing_token");
}

TEST(ProjectAuth, RefusesNonBearerAndGarbage) {
  EXPECT_EQ(code_of("Basic ZGV2a2V5OmRldnNlY3JldA=="), "malformed_token");
  EXPECT_EQ(code_of("Bearer "), "malformed_token");
  EXPECT_EQ(code_of("Bearer not-a-jwt"), "malformed_token");
}

TEST(ProjectAuth, RefusesAlgNone) {
  const std::string header = base64url_encode(as_bytes(R"({"alg":"none"})"));
  const nlohmann::json claims = {{"iss", "devkey"}, {"iat", kNow}, {"exp", kNow + 60}};
  const std::string payload = base64url_encode(as_bytes(claims.dump()));
  EXPECT_EQ(code_of("Bearer " + header + "." + payload + "."), "unsupported_algorithm");
}

TEST(ProjectAuth, RefusesWrongSecret) {
  EXPECT_EQ(code_of(bearer({{"iss", "devkey"}, {"iat", kNow}, {"exp", kNow + 60}}, "othersecret")),
            "invalid_signature");
}

TEST(ProjectAuth, RefusesWrongIssuer) {
  EXPECT_EQ(code_of(bearer({{"iss", "otherkey"}, {"iat", kNow}, {"exp", kNow + 60}})), "invalid_issuer");
  EXPECT_EQ(code_of(bearer({{"iat", kNow}, {"exp", kNow + 60}})), "invalid_issuer");
}

TEST(ProjectAuth, RefusesExpiredToken) {
  EXPECT_EQ(code_of(bearer({{"iss", "devkey"}, {"iat", kNow - 120}, {"exp", kNow - 1}})), "token_expired");
  EXPECT_EQ(code_of(bearer({{"iss", "devkey"}, {"iat", kNow - 120}, {"exp", kNow}})), "token_expired");
}

TEST(ProjectAuth, RefusesIatMoreThanFiveMinutesAhead) {
  EXPECT_EQ(code_of(bearer({{"iss", "devkey"}, {"iat", kNow + 301}, {"exp", kNow + 300}})),
            "token_not_yet_valid");
  EXPECT_EQ(code_of(bearer({{"iss", "devkey"}, {"iat", kNow + 299}, {"exp", kNow + 300}})), "ok");
}

TEST(ProjectAuth, RefusesExpMoreThanFiveMinutesAhead) {
  EXPECT_EQ(code_of(bearer({{"iss", "devkey"}, {"iat", kNow}, {"exp", kNow + 301}})),
            "token_lifetime_too_long");
  EXPECT_EQ(code_of(bearer({{"iss", "devkey"}, {"iat", kNow}, {"exp", kNow + 300}})), "ok");
}

TEST(ProjectAuth, RefusesMissingOrNonNumericTimes) {
  EXPECT_EQ(code_of(bearer({{"iss", "devkey"}, {"exp", kNow + 60}})), "malformed_token");
  EXPECT_EQ(code_of(bearer({{"iss", "devkey"}, {"iat", kNow}, {"exp", "soon"}})), "malformed_token");
  EXPECT_EQ(code_of(bearer({{"iss", "devkey"}, {"iat", kNow}, {"exp", 1e300}})), "malformed_token");
}

TEST(ProjectAuth, ReturnsTheJtiAndExpForReplayTracking) {
  const auto claims = verify_project_token(
      bearer({{"iss", "devkey"}, {"iat", kNow}, {"exp", kNow + 60}, {"jti", "abc"}}), kCreds, kNow);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->jti, "abc");
  EXPECT_EQ(claims->exp, kNow + 60);
  EXPECT_EQ(code_of(bearer({{"iss", "devkey"}, {"iat", kNow}, {"exp", kNow + 60}, {"jti", 7}})),
            "malformed_token");
}

std::string verdict(ProjectAuth& auth, const std::string& authorization, std::int64_t now = kNow) {
  const auto result = auth.verify(authorization, now);
  return result.ok() ? "ok" : std::to_string(result.error().status) + " " + result.error().code;
}

TEST(ProjectAuth, AJtiIsAcceptedOnceWhileItsTokenLives) {
  ProjectAuth auth(kCreds);
  const std::string token = "Bearer " + mint_project_token(kCreds, kNow, 60);
  EXPECT_EQ(verdict(auth, token), "ok");
  EXPECT_EQ(verdict(auth, token), "401 token_replayed");
  EXPECT_EQ(verdict(auth, token, kNow + 59), "401 token_replayed");
  EXPECT_EQ(verdict(auth, token, kNow + 60), "401 token_expired");
  EXPECT_EQ(verdict(auth, "Bearer " + mint_project_token(kCreds, kNow, 60)), "ok")
      << "each mint has its own jti";
}

TEST(ProjectAuth, TheSameJtiInADifferentTokenIsAReplay) {
  ProjectAuth auth(kCreds);
  EXPECT_EQ(verdict(auth, bearer({{"iss", "devkey"}, {"iat", kNow}, {"exp", kNow + 60}, {"jti", "j1"}})),
            "ok");
  EXPECT_EQ(verdict(auth, bearer({{"iss", "devkey"}, {"iat", kNow + 1}, {"exp", kNow + 90}, {"jti", "j1"}})),
            "401 token_replayed");
}

TEST(ProjectAuth, TokensWithoutJtiMayBeReused) {
  ProjectAuth auth(kCreds);
  const std::string token = bearer({{"iss", "devkey"}, {"iat", kNow}, {"exp", kNow + 60}});
  EXPECT_EQ(verdict(auth, token), "ok");
  EXPECT_EQ(verdict(auth, token), "ok");
  EXPECT_EQ(auth.tracked(), 0u);
}

TEST(ProjectAuth, ARefusedTokenDoesNotUseUpItsJti) {
  ProjectAuth auth(kCreds);
  const nlohmann::json claims = {{"iss", "devkey"}, {"iat", kNow}, {"exp", kNow + 60}, {"jti", "j2"}};
  EXPECT_EQ(verdict(auth, bearer(claims, "othersecret")), "401 invalid_signature");
  EXPECT_EQ(verdict(auth, bearer(claims)), "ok") << "a forger cannot burn a jti it does not hold";
}

TEST(ProjectAuth, AFullReplayCacheRefusesNewJtisWith503AndLetsOthersThrough) {
  ProjectAuth auth(kCreds, 2);
  EXPECT_EQ(verdict(auth, "Bearer " + mint_project_token(kCreds, kNow, 30)), "ok");
  EXPECT_EQ(verdict(auth, "Bearer " + mint_project_token(kCreds, kNow, 60)), "ok");
  EXPECT_EQ(verdict(auth, "Bearer " + mint_project_token(kCreds, kNow, 60)), "503 replay_cache_full");
  EXPECT_EQ(verdict(auth, bearer({{"iss", "devkey"}, {"iat", kNow}, {"exp", kNow + 60}})), "ok");
  EXPECT_EQ(verdict(auth, "Bearer " + mint_project_token(kCreds, kNow + 30, 60), kNow + 30), "ok")
      << "room again once the first token expired";
}

}  // namespace
}  // namespace umbra::server
