#include "server/client_token.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "server/jwt.h"

namespace umbra::server {
namespace {

const ApiCredentials kCreds{"devkey", "devsecret"};
constexpr std::int64_t kNow = 1'800'000'000;

ClientToken mint(ClientTokenRequest request) {
  auto token = mint_client_token(kCreds, request, kNow);
  EXPECT_TRUE(token.ok());
  return *token;
}

TEST(ClientToken, RoundTripsSessionRoleAndData) {
  const auto token = mint({"ses_abc", Role::kModerator, 3600, "name=Ann"});
  EXPECT_EQ(token.expires_at, kNow + 3600);
  const auto claims = verify_client_token(token.token, kCreds, kNow + 10);
  ASSERT_TRUE(claims.ok());
  EXPECT_EQ(claims->session_id, "ses_abc");
  EXPECT_EQ(claims->role, Role::kModerator);
  EXPECT_EQ(claims->data, "name=Ann");
}

TEST(ClientToken, DefaultsToTwentyFourHours) {
  ClientTokenRequest request;
  request.session_id = "ses_abc";
  EXPECT_EQ(mint(request).expires_at, kNow + 24 * 3600);
}

TEST(ClientToken, RefusesTtlBeyondThirtyDaysOrNonPositive) {
  ClientTokenRequest request{"ses_abc", Role::kPublisher, kMaxClientTokenTtl + 1, ""};
  auto result = mint_client_token(kCreds, request, kNow);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "invalid_ttl");
  request.ttl_seconds = 0;
  EXPECT_FALSE(mint_client_token(kCreds, request, kNow).ok());
  request.ttl_seconds = kMaxClientTokenTtl;
  EXPECT_TRUE(mint_client_token(kCreds, request, kNow).ok());
}

TEST(ClientToken, CountsDataInCharactersNotBytes) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += "\xc3\xa9";  // é: 2 bytes, 1 character
  ClientTokenRequest request{"ses_abc", Role::kPublisher, 60, data};
  EXPECT_TRUE(mint_client_token(kCreds, request, kNow).ok());
  request.data += "x";
  const auto result = mint_client_token(kCreds, request, kNow);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "data_too_long");
}

TEST(ClientToken, RefusesDataThatIsNotUtf8) {
  ClientTokenRequest request{"ses_abc", Role::kPublisher, 60, "\xc0\xaf"};  // overlong '/'
  const auto result = mint_client_token(kCreds, request, kNow);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "invalid_data");
}

TEST(ClientToken, ExpiredTokenIsRefused) {
  const auto token = mint({"ses_abc", Role::kPublisher, 60, ""});
  const auto result = verify_client_token(token.token, kCreds, kNow + 60);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "token_expired");
}

TEST(ClientToken, TokenOfAnotherProjectIsRefused) {
  const auto token = mint({"ses_abc", Role::kPublisher, 60, ""});
  const auto wrong_secret = verify_client_token(token.token, {"devkey", "othersecret"}, kNow);
  ASSERT_FALSE(wrong_secret.ok());
  EXPECT_EQ(wrong_secret.error().code, "invalid_token");
  EXPECT_FALSE(verify_client_token(token.token, {"otherkey", "devsecret"}, kNow).ok());
}

TEST(ClientToken, UnknownRoleIsRefused) {
  const nlohmann::json claims = {
      {"iss", "devkey"}, {"exp", kNow + 60}, {"session_id", "ses_abc"}, {"role", "admin"}};
  const auto result = verify_client_token(jwt_sign_hs256(claims.dump(), "devsecret"), kCreds, kNow);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, "invalid_token");
}

TEST(Roles, PermissionsFollowTheRoleTable) {
  EXPECT_FALSE(can_publish(Role::kSubscriber));
  EXPECT_TRUE(can_subscribe(Role::kSubscriber));
  EXPECT_TRUE(can_publish(Role::kPublisherOnly));
  EXPECT_FALSE(can_subscribe(Role::kPublisherOnly));
  EXPECT_FALSE(can_moderate(Role::kPublisher));
  EXPECT_TRUE(can_moderate(Role::kModerator));
  for (const auto role : {Role::kSubscriber, Role::kPublisher, Role::kPublisherOnly, Role::kModerator}) {
    EXPECT_EQ(parse_role(role_name(role)), role);
  }
}

}  // namespace
}  // namespace umbra::server
