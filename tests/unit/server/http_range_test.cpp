#include "server/http_range.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace umbra::server {
namespace {

// The examples of RFC 9110 section 14.1.2 are against a representation of 10000 bytes.
constexpr std::uint64_t kSize = 10000;

void expect_range(std::string_view header, std::uint64_t size, std::uint64_t first, std::uint64_t length) {
  const auto decision = decide_range(header, size);
  ASSERT_EQ(decision.outcome, RangeOutcome::kSatisfiable) << header;
  EXPECT_EQ(decision.range.first, first) << header;
  EXPECT_EQ(decision.range.length, length) << header;
}

TEST(HttpRange, SelectsTheRfcExampleRanges) {
  expect_range("bytes=0-499", kSize, 0, 500);      // the first 500 bytes
  expect_range("bytes=500-999", kSize, 500, 500);  // the second 500 bytes
  expect_range("bytes=-500", kSize, 9500, 500);    // the final 500 bytes
  expect_range("bytes=9500-", kSize, 9500, 500);   // also the final 500 bytes
  expect_range("bytes=0-0", kSize, 0, 1);          // the first byte
  expect_range("bytes=-1", kSize, 9999, 1);        // the last byte
}

TEST(HttpRange, ClampsALastPositionPastTheEndAndALongSuffixToTheWholeFile) {
  expect_range("bytes=9000-20000", kSize, 9000, 1000);
  expect_range("bytes=-20000", kSize, 0, kSize);
  expect_range("bytes=0-99999999999999999999999999", kSize, 0, kSize);
}

TEST(HttpRange, AcceptsAnyCaseOfTheUnitAndSurroundingWhitespace) {
  expect_range("Bytes=1-2", kSize, 1, 2);
  expect_range("  bytes=1-2\t", kSize, 1, 2);
}

TEST(HttpRange, IgnoresMultipleRangesSoTheWholeFileIsSent) {
  EXPECT_EQ(decide_range("bytes=0-0,-1", kSize).outcome, RangeOutcome::kIgnore);
  EXPECT_EQ(decide_range("bytes=500-600,601-999", kSize).outcome, RangeOutcome::kIgnore);
  EXPECT_EQ(decide_range("bytes=500-700, 601-999", kSize).outcome, RangeOutcome::kIgnore);
}

TEST(HttpRange, IgnoresMalformedHeaders) {
  for (const std::string_view header :
       {"", "bytes", "bytes=", "bytes=-", "bytes=abc", "bytes=1", "bytes=a-5", "bytes=5-a", "bytes=5-1",
        "bytes=--5", "bytes=1-2-3", "bytes=+1-2", "bytes= 1-2", "items=0-5", "bytes 0-5", "byte=0-5",
        "bytes=0x10-20"}) {
    EXPECT_EQ(decide_range(header, kSize).outcome, RangeOutcome::kIgnore) << header;
  }
}

TEST(HttpRange, RefusesRangesThatStartPastTheEnd) {
  EXPECT_EQ(decide_range("bytes=10000-", kSize).outcome, RangeOutcome::kUnsatisfiable);
  EXPECT_EQ(decide_range("bytes=10000-10005", kSize).outcome, RangeOutcome::kUnsatisfiable);
  EXPECT_EQ(decide_range("bytes=99999999999999999999999-", kSize).outcome, RangeOutcome::kUnsatisfiable);
  EXPECT_EQ(decide_range("bytes=-0", kSize).outcome, RangeOutcome::kUnsatisfiable);
  EXPECT_EQ(decide_range("bytes=0-", 0).outcome, RangeOutcome::kUnsatisfiable);
}

TEST(HttpRange, SendsAnEmptyFileWholeForASuffixRange) {
  EXPECT_EQ(decide_range("bytes=-5", 0).outcome, RangeOutcome::kIgnore);
}

TEST(HttpRange, FormatsContentRangeLikeTheRfc) {
  // RFC 9110 section 14.4 examples.
  EXPECT_EQ(content_range({42, 1192}, 1234), "bytes 42-1233/1234");
  EXPECT_EQ(unsatisfied_content_range(1234), "bytes */1234");
  const auto max = std::numeric_limits<std::uint64_t>::max();
  EXPECT_EQ(content_range({0, max}, max), "bytes 0-18446744073709551614/18446744073709551615");
}

}  // namespace
}  // namespace umbra::server
