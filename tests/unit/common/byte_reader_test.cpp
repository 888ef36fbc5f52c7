#include "common/byte_reader.h"

#include <gtest/gtest.h>

namespace umbra {
namespace {

TEST(ByteReader, ReadsBigEndianIntegers) {
  const Bytes data{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a};
  ByteReader r(data);
  EXPECT_EQ(r.u8(), 0x01);
  EXPECT_EQ(r.u16(), 0x0203);
  EXPECT_EQ(r.u24(), 0x040506u);
  EXPECT_EQ(r.u32(), 0x0708090au);
  EXPECT_TRUE(r.empty());
}

TEST(ByteReader, ShortReadFailsWithoutMoving) {
  const Bytes data{0xaa, 0xbb, 0xcc};
  ByteReader r(data);
  EXPECT_FALSE(r.u32());
  EXPECT_EQ(r.position(), 0u);
  EXPECT_FALSE(r.bytes(4));
  EXPECT_FALSE(r.skip(4));
  EXPECT_EQ(r.uint(3), 0xaabbccu);
  EXPECT_FALSE(r.u8());
}

TEST(ByteReader, UintRejectsWidthsOutsideOneToEight) {
  const Bytes data(16, 0xff);
  ByteReader r(data);
  EXPECT_FALSE(r.uint(0));
  EXPECT_FALSE(r.uint(9));
  EXPECT_EQ(r.uint(8), 0xffffffffffffffffull);
}

}  // namespace
}  // namespace umbra
