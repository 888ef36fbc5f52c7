#include "common/hex.h"

#include <gtest/gtest.h>

namespace umbra {
namespace {

TEST(Hex, RoundTripsEveryByteValue) {
  Bytes all(256);
  for (int i = 0; i < 256; ++i) all[i] = static_cast<std::uint8_t>(i);
  const std::string hex = hex_encode(all);
  EXPECT_EQ(hex.substr(0, 6), "000102");
  EXPECT_EQ(hex.substr(hex.size() - 4), "feff");
  auto back = hex_decode(hex);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, all);
}

TEST(Hex, AcceptsUpperCaseAndSurroundingWhitespace) {
  auto b = hex_decode("  DEadBEef\n");
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, (Bytes{0xde, 0xad, 0xbe, 0xef}));
}

TEST(Hex, RejectsOddLengthAndNonHex) {
  EXPECT_FALSE(hex_decode("abc"));
  EXPECT_FALSE(hex_decode("zz"));
  EXPECT_FALSE(hex_decode("0 11"));
}

TEST(Hex, EmptyIsEmpty) {
  auto b = hex_decode("");
  ASSERT_TRUE(b);
  EXPECT_TRUE(b->empty());
  EXPECT_EQ(hex_encode({}), "");
}

}  // namespace
}  // namespace umbra
