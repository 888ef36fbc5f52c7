#include "server/jti_replay_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace umbra::server {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;

TEST(JtiReplayCache, RemembersAnIdUntilItsTokenExpires) {
  JtiReplayCache cache(10);
  EXPECT_EQ(cache.check_and_remember("a", kNow + 60, kNow), JtiCheck::kFresh);
  EXPECT_EQ(cache.check_and_remember("a", kNow + 60, kNow + 1), JtiCheck::kReplayed);
  EXPECT_EQ(cache.check_and_remember("a", kNow + 60, kNow + 59), JtiCheck::kReplayed);
  EXPECT_EQ(cache.check_and_remember("b", kNow + 60, kNow + 59), JtiCheck::kFresh);
  // At exp the token is refused as expired anyway, so the id is let go.
  EXPECT_EQ(cache.check_and_remember("c", kNow + 300, kNow + 60), JtiCheck::kFresh);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(JtiReplayCache, IdsAreComparedExactly) {
  JtiReplayCache cache(10);
  EXPECT_EQ(cache.check_and_remember("id", kNow + 60, kNow), JtiCheck::kFresh);
  EXPECT_EQ(cache.check_and_remember("ID", kNow + 60, kNow), JtiCheck::kFresh);
  EXPECT_EQ(cache.check_and_remember("id ", kNow + 60, kNow), JtiCheck::kFresh);
  EXPECT_EQ(cache.check_and_remember("", kNow + 60, kNow), JtiCheck::kFresh);
  EXPECT_EQ(cache.check_and_remember("", kNow + 60, kNow), JtiCheck::kReplayed);
  const std::string long_id(8000, 'x');
  EXPECT_EQ(cache.check_and_remember(long_id, kNow + 60, kNow), JtiCheck::kFresh);
  EXPECT_EQ(cache.check_and_remember(long_id, kNow + 60, kNow), JtiCheck::kReplayed);
}

TEST(JtiReplayCache, WhenFullRefusesNewIdsButNeverForgetsALiveOne) {
  JtiReplayCache cache(3);
  EXPECT_EQ(cache.check_and_remember("a", kNow + 10, kNow), JtiCheck::kFresh);
  EXPECT_EQ(cache.check_and_remember("b", kNow + 20, kNow), JtiCheck::kFresh);
  EXPECT_EQ(cache.check_and_remember("c", kNow + 30, kNow), JtiCheck::kFresh);
  EXPECT_EQ(cache.check_and_remember("d", kNow + 30, kNow), JtiCheck::kFull);
  EXPECT_EQ(cache.check_and_remember("a", kNow + 10, kNow), JtiCheck::kReplayed)
      << "a replay is still a replay";
  EXPECT_EQ(cache.check_and_remember("d", kNow + 30, kNow + 5), JtiCheck::kFull)
      << "a refused id is not kept";
  // Once the earliest token has expired there is room again.
  EXPECT_EQ(cache.check_and_remember("d", kNow + 30, kNow + 10), JtiCheck::kFresh);
  EXPECT_EQ(cache.check_and_remember("b", kNow + 20, kNow + 10), JtiCheck::kReplayed);
  EXPECT_EQ(cache.size(), 3u);
}

}  // namespace
}  // namespace umbra::server
