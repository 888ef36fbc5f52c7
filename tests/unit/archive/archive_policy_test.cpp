#include "archive/archive_policy.h"

#include <gtest/gtest.h>

#include <string>

namespace umbra::archive {
namespace {

TEST(ArchivePolicy, RefusesAnE2eeSessionBecauseTheRouterCannotDecodeIt) {
  const auto refusal = archive_refusal({.e2ee = true, .routed = true}, {}, false);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->http_status, 409);
  EXPECT_EQ(refusal->code, "e2ee_unsupported");
  EXPECT_NE(std::string(refusal->message).find("the router cannot decode end-to-end encrypted media"),
            std::string::npos);
}

TEST(ArchivePolicy, RefusesARelayedSessionAsRoutedRequired) {
  const auto refusal = archive_refusal({.e2ee = false, .routed = false}, {}, false);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->http_status, 409);
  EXPECT_EQ(refusal->code, "routed_required");
}

TEST(ArchivePolicy, TheEncryptionIsTheReasonGivenWhenBothApply) {
  const auto refusal = archive_refusal({.e2ee = true, .routed = false}, {}, false);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->code, "e2ee_unsupported");
}

TEST(ArchivePolicy, RefusesAnArchiveOfNothing) {
  const auto refusal = archive_refusal({}, {.has_audio = false, .has_video = false}, false);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->http_status, 400);
  EXPECT_EQ(refusal->code, "invalid_archive");
}

TEST(ArchivePolicy, RefusesASecondArchiveOfTheSameSession) {
  const auto refusal = archive_refusal({}, {}, true);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_EQ(refusal->http_status, 409);
  EXPECT_EQ(refusal->code, "archive_in_progress");
}

TEST(ArchivePolicy, AllowsARoutedUnencryptedSession) {
  EXPECT_FALSE(archive_refusal({}, {.has_audio = true, .has_video = false}, false).has_value());
  EXPECT_FALSE(always_archive_refusal({}).has_value());
}

TEST(ArchivePolicy, AlwaysModeIsRefusedAtCreationWithA400) {
  const auto e2ee = always_archive_refusal({.e2ee = true, .routed = true});
  ASSERT_TRUE(e2ee.has_value());
  EXPECT_EQ(e2ee->http_status, 400);
  EXPECT_EQ(e2ee->code, "e2ee_unsupported");
  const auto relayed = always_archive_refusal({.e2ee = false, .routed = false});
  ASSERT_TRUE(relayed.has_value());
  EXPECT_EQ(relayed->http_status, 400);
  EXPECT_EQ(relayed->code, "routed_required");
}

}  // namespace
}  // namespace umbra::archive
