#include "common/result.h"

#include <string>

#include <gtest/gtest.h>

namespace umbra {
namespace {

enum class Failure { kTooSmall, kBadTag };

Result<int, Failure> half(int v) {
  if (v % 2 != 0) return err(Failure::kBadTag);
  return v / 2;
}

TEST(Result, CarriesValueOrError) {
  auto a = half(8);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, 4);
  auto b = half(7);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error(), Failure::kBadTag);
}

TEST(Result, VoidResultReportsSuccessAndError) {
  Result<void, std::string> good;
  EXPECT_TRUE(good.ok());
  Result<void, std::string> bad = err(std::string("nope"));
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), "nope");
}

}  // namespace
}  // namespace umbra
