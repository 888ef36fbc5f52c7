#include <gtest/gtest.h>

#include <array>
#include <cstdint>

#include "common/hex.h"
#include "sframe/sframe.h"
#include "support/vectors.h"

namespace umbra::sframe {
namespace {

using umbra::testing::load_vectors;
using umbra::testing::unhex;

TEST(SframeHeader, EncodesAndDecodesEveryRfcVector) {
  const auto vectors = load_vectors("sframe/test-vectors.json");
  ASSERT_FALSE(vectors.at("header").empty());
  for (const auto& v : vectors.at("header")) {
    const Header header{v.at("kid").get<std::uint64_t>(), v.at("ctr").get<std::uint64_t>()};
    const auto expected = unhex(v.at("encoded").get<std::string>());
    SCOPED_TRACE(v.at("encoded").get<std::string>());

    std::array<std::uint8_t, kMaxHeaderSize> buf{};
    const auto written = encode(header, buf);
    ASSERT_TRUE(written.ok());
    EXPECT_EQ(*written, encoded_size(header));
    EXPECT_EQ(hex_encode(ByteSpan(buf.data(), *written)), hex_encode(expected));

    const auto parsed = decode(expected);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->header.kid, header.kid);
    EXPECT_EQ(parsed->header.ctr, header.ctr);
    EXPECT_EQ(parsed->size, expected.size());
  }
}

TEST(SframeHeader, DecodeIgnoresBytesAfterTheHeader) {
  const auto frame = unhex("99012345670102030405");
  const auto parsed = decode(frame);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->header.kid, 0x123u);
  EXPECT_EQ(parsed->header.ctr, 0x4567u);
  EXPECT_EQ(parsed->size, 5u);
}

TEST(SframeHeader, RejectsEmptyInput) {
  const auto parsed = decode(ByteSpan{});
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error(), Error::kMalformedHeader);
}

TEST(SframeHeader, RejectsEveryTruncationOfALongestHeader) {
  const Header header{0xffffffffffffffffULL, 0x0102030405060708ULL};
  std::array<std::uint8_t, kMaxHeaderSize> buf{};
  ASSERT_EQ(*encode(header, buf), kMaxHeaderSize);
  for (std::size_t n = 0; n < kMaxHeaderSize; ++n) {
    const auto parsed = decode(ByteSpan(buf.data(), n));
    ASSERT_FALSE(parsed.ok()) << n;
    EXPECT_EQ(parsed.error(), Error::kMalformedHeader);
  }
  EXPECT_TRUE(decode(buf).ok());
}

TEST(SframeHeader, RejectsExtendedFormForASmallValue) {
  // KID 5 written as one extended byte (X=1, K=0) instead of inline.
  const auto parsed = decode(unhex("800500"));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error(), Error::kMalformedHeader);
}

TEST(SframeHeader, RejectsLeadingZeroBytes) {
  // CTR 0x0100 written in three bytes (Y=1, C=2) instead of two.
  const auto parsed = decode(unhex("0a000100"));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error(), Error::kMalformedHeader);
  // The same for a KID 0xff in two bytes.
  EXPECT_FALSE(decode(unhex("9000ff")).ok());
}

TEST(SframeHeader, EncodeReportsABufferTooSmall) {
  const Header header{0x1234, 0x56};
  std::array<std::uint8_t, 3> buf{};
  const auto written = encode(header, buf);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.error(), Error::kBufferTooSmall);
  std::array<std::uint8_t, 4> exact{};
  EXPECT_EQ(*encode(header, exact), 4u);
}

TEST(SframeHeader, SmallValuesTakeOneByte) {
  EXPECT_EQ(encoded_size(Header{7, 7}), 1u);
  EXPECT_EQ(encoded_size(Header{8, 0}), 2u);
  EXPECT_EQ(encoded_size(Header{0, 0x100}), 3u);
}

}  // namespace
}  // namespace umbra::sframe
