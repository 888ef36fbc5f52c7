#include "server/http_conditional.h"

#include <gtest/gtest.h>

namespace umbra::server {
namespace {

const std::string kTag = file_entity_tag(10000, 1'795'669'891'231'000'123);

TEST(HttpConditional, FileEntityTagIsQuotedAndChangesWithSizeOrTime) {
  EXPECT_EQ(file_entity_tag(0x2710, 0x1f), "\"2710-1f\"");
  EXPECT_TRUE(kTag.starts_with('"') && kTag.ends_with('"'));
  EXPECT_NE(file_entity_tag(10001, 1'795'669'891'231'000'123), kTag) << "a grown file";
  EXPECT_NE(file_entity_tag(10000, 1'795'669'891'231'000'124), kTag) << "a rewritten file";
}

TEST(HttpConditional, IfNoneMatchMatchesItsTagWeaklyOrAStar) {
  EXPECT_TRUE(if_none_match_matches(kTag, kTag));
  EXPECT_TRUE(if_none_match_matches("W/" + kTag, kTag)) << "weak comparison ignores W/ (RFC 9110 8.8.3.2)";
  EXPECT_TRUE(if_none_match_matches("*", kTag));
  EXPECT_TRUE(if_none_match_matches(" * ", kTag));
  EXPECT_TRUE(if_none_match_matches("\"xyzzy\", " + kTag, kTag));
  EXPECT_TRUE(if_none_match_matches("\"a,b\" ,," + kTag + " ,", kTag))
      << "commas inside a tag and empty elements";
  EXPECT_FALSE(if_none_match_matches("\"xyzzy\"", kTag));
  EXPECT_FALSE(if_none_match_matches("\"xyzzy\", W/\"r2d2xxxx\"", kTag));
  EXPECT_FALSE(if_none_match_matches("", kTag));
}

TEST(HttpConditional, AMalformedIfNoneMatchMatchesNothing) {
  const std::string bare = kTag.substr(1, kTag.size() - 2);
  for (const std::string& header :
       {bare, kTag + " junk", kTag + ", junk", "w/" + kTag, "\"open, " + kTag, kTag + " " + kTag,
        std::string("\"a\"b\""), std::string("\"tab\there\", ") + kTag}) {
    EXPECT_FALSE(if_none_match_matches(header, kTag)) << header;
  }
}

TEST(HttpConditional, IfRangeNeedsTheSameStrongTag) {
  EXPECT_TRUE(if_range_matches(kTag, kTag));
  EXPECT_TRUE(if_range_matches(" " + kTag + " ", kTag));
  EXPECT_FALSE(if_range_matches("W/" + kTag, kTag)) << "If-Range uses the strong comparison (13.1.5)";
  EXPECT_FALSE(if_range_matches("\"stale\"", kTag));
  EXPECT_FALSE(if_range_matches("Sat, 29 Oct 1994 19:43:31 GMT", kTag)) << "no Last-Modified is sent";
  EXPECT_FALSE(if_range_matches(kTag + ", " + kTag, kTag)) << "one tag, not a list";
  EXPECT_FALSE(if_range_matches("", kTag));
  EXPECT_FALSE(if_range_matches(kTag, "")) << "a body without a tag never matches";
  EXPECT_FALSE(if_range_matches(kTag, "W/" + kTag));
}

}  // namespace
}  // namespace umbra::server
