#include "server/capabilities.h"

#include <gtest/gtest.h>

namespace umbra::server {
namespace {

const Capability& find(const std::vector<Capability>& caps, std::string_view name) {
  for (const auto& c : caps) {
    if (c.name == name) return c;
  }
  static const Capability kMissing{"missing", false, "missing", "missing"};
  ADD_FAILURE() << "no capability " << name;
  return kMissing;
}

TEST(Capabilities, E2eeSessionRefusesEverythingThatNeedsDecodedMedia) {
  SessionRecord s;
  s.media_mode = MediaMode::kRouted;
  s.e2ee = true;
  const auto caps = capabilities_for(s);
  for (const auto name : {"archiving", "broadcast", "captions", "sip", "composing", "audioConnection"}) {
    const auto& c = find(caps, name);
    EXPECT_FALSE(c.available) << name;
    EXPECT_EQ(c.code, "e2ee_unsupported") << name;
    EXPECT_EQ(c.reason, "the router cannot decode end-to-end encrypted media") << name;
  }
  EXPECT_TRUE(find(caps, "e2ee").available);
  EXPECT_TRUE(find(caps, "signals").available);
}

TEST(Capabilities, RelayedSessionNeedsRoutedForMediaFeatures) {
  SessionRecord s;
  s.media_mode = MediaMode::kRelayed;
  const auto caps = capabilities_for(s);
  EXPECT_EQ(find(caps, "archiving").code, "routed_required");
  EXPECT_EQ(find(caps, "e2ee").code, "e2ee_requires_routed");
}

TEST(Capabilities, RoutedSessionWithoutE2eeCanBeArchived) {
  SessionRecord s;
  s.media_mode = MediaMode::kRouted;
  const auto caps = capabilities_for(s);
  const auto& archiving = find(caps, "archiving");
  EXPECT_TRUE(archiving.available);
  EXPECT_TRUE(archiving.code.empty());
  EXPECT_EQ(find(caps, "sip").code, "not_implemented");
}

TEST(SessionValidation, E2eeNeedsRoutedAndNoAutomaticArchive) {
  EXPECT_TRUE(validate_session_request({MediaMode::kRouted, true, ArchiveMode::kManual}).ok());
  const auto relayed = validate_session_request({MediaMode::kRelayed, true, ArchiveMode::kManual});
  ASSERT_FALSE(relayed.ok());
  EXPECT_EQ(relayed.error().code, "e2ee_requires_routed");
  EXPECT_EQ(relayed.error().status, 400);
  const auto archived = validate_session_request({MediaMode::kRouted, true, ArchiveMode::kAlways});
  ASSERT_FALSE(archived.ok());
  EXPECT_EQ(archived.error().code, "e2ee_unsupported");
  const auto relayed_archive = validate_session_request({MediaMode::kRelayed, false, ArchiveMode::kAlways});
  ASSERT_FALSE(relayed_archive.ok());
  EXPECT_EQ(relayed_archive.error().code, "routed_required");
}

}  // namespace
}  // namespace umbra::server
