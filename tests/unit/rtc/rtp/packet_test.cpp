#include "rtc/rtp/packet.h"

#include <gtest/gtest.h>

#include "rtc/rtp/header.h"

namespace umbra::rtc::rtp {
namespace {

Bytes to_bytes(ByteSpan s) {
  return Bytes(s.begin(), s.end());
}
std::optional<Bytes> to_bytes(std::optional<ByteSpan> s) {
  if (!s) return std::nullopt;
  return to_bytes(*s);
}

// V=2, M=1, PT=96, seq 0x1234, ts 0xdeadbeef, SSRC 0x01020304, payload "abc".
Bytes simple_packet() {
  return {0x80, 0xe0, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04, 'a', 'b', 'c'};
}

// Two CSRCs, a one-byte extension block (id 1 = 1 byte, a padding byte, id 3 = 2 bytes, then
// block padding), payload {0x11, 0x22} and 3 bytes of RTP padding.
Bytes rich_packet() {
  return {0xb2, 0x6f, 0x00, 0x01, 0x00, 0x00, 0x00, 0x10, 0xaa, 0xbb, 0xcc, 0xdd,  // P X CC=2, PT 111
          0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,                          // CSRCs
          0xbe, 0xde, 0x00, 0x02,                                                  // one-byte, 2 words
          0x10, 0x7f, 0x00, 0x31, 0x01, 0x02, 0x00, 0x00,                          // elements
          0x11, 0x22,                                                              // payload
          0x00, 0x00, 0x03};                                                       // padding
}

TEST(RtpPacket, ParsesFixedHeaderFields) {
  Bytes data = simple_packet();
  const auto p = RtpPacket::parse(data);
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_TRUE(p->marker());
  EXPECT_EQ(p->payload_type(), 96);
  EXPECT_EQ(p->sequence_number(), 0x1234);
  EXPECT_EQ(p->timestamp(), 0xdeadbeefu);
  EXPECT_EQ(p->ssrc(), 0x01020304u);
  EXPECT_EQ(p->csrc_count(), 0u);
  EXPECT_EQ(p->extension_profile(), ExtensionProfile::kNone);
  EXPECT_EQ(to_bytes(p->payload()), (Bytes{'a', 'b', 'c'}));
  EXPECT_EQ(p->header_size(), 12u);
}

TEST(RtpPacket, ParsesCsrcsOneByteExtensionsAndPadding) {
  Bytes data = rich_packet();
  const auto p = RtpPacket::parse(data);
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_FALSE(p->marker());
  EXPECT_EQ(p->payload_type(), 111);
  ASSERT_EQ(p->csrc_count(), 2u);
  EXPECT_EQ(p->csrc(0), 1u);
  EXPECT_EQ(p->csrc(1), 2u);
  EXPECT_EQ(p->extension_profile(), ExtensionProfile::kOneByte);
  EXPECT_EQ(to_bytes(p->extension(1)), Bytes{0x7f});
  EXPECT_EQ(to_bytes(p->extension(3)), (Bytes{0x01, 0x02}));
  EXPECT_FALSE(p->extension(2));
  EXPECT_EQ(p->extensions().size(), 2u);
  EXPECT_EQ(to_bytes(p->payload()), (Bytes{0x11, 0x22}));
  EXPECT_EQ(p->padding_size(), 3u);
}

TEST(RtpPacket, ParsesTwoByteExtensionsIncludingEmptyOnes) {
  Bytes data{0x90, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
             0x00, 0x00, 0x00, 0x01, 0x10, 0x00, 0x00, 0x02,  // two-byte profile, 2 words
             0x05, 0x00, 0x00, 0xc8, 0x02, 0xaa, 0xbb, 0x00,  // id 5 empty, padding, id 200 = aa bb
             'x'};
  const auto p = RtpPacket::parse(data);
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p->extension_profile(), ExtensionProfile::kTwoByte);
  ASSERT_TRUE(p->extension(5));
  EXPECT_TRUE(p->extension(5)->empty());
  EXPECT_EQ(to_bytes(p->extension(200)), (Bytes{0xaa, 0xbb}));
  EXPECT_EQ(to_bytes(p->payload()), Bytes{'x'});
}

TEST(RtpPacket, StopsReadingExtensionsAtReservedId15) {
  Bytes data{0x90, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
             0x00, 0x01, 0xbe, 0xde, 0x00, 0x01, 0x10, 0x01, 0xf0, 0x20};
  const auto p = RtpPacket::parse(data);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->extension(1));
  EXPECT_FALSE(p->extension(2));
}

TEST(RtpPacket, TreatsOneByteIdZeroAsSinglePaddingByteWhateverItsLength) {
  // 0x01 is ID 0 with a length nibble of 1: still one byte of padding (as libwebrtc reads it).
  Bytes data{0x90, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
             0x00, 0x01, 0xbe, 0xde, 0x00, 0x01, 0x01, 0x10, 0x2a, 0x00};
  const auto p = RtpPacket::parse(data);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(to_bytes(p->extension(1)), Bytes{0x2a});
  EXPECT_EQ(p->extensions().size(), 1u);
}

TEST(RtpPacket, KeepsUnknownExtensionProfilesOpaque) {
  Bytes data{0x90, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
             0x01, 0x12, 0x34, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff, 'p'};
  const auto p = RtpPacket::parse(data);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->extension_profile(), ExtensionProfile::kOther);
  EXPECT_EQ(p->extension_profile_id(), 0x1234);
  EXPECT_EQ(p->extension_data().size(), 4u);
  EXPECT_FALSE(p->extension(1));
  EXPECT_EQ(to_bytes(p->payload()), Bytes{'p'});
}

TEST(RtpPacket, RejectsLengthsThatLie) {
  auto rejects = [](Bytes data) { return !RtpPacket::parse(data).ok(); };
  EXPECT_TRUE(rejects({0x80, 0x60, 0x00}));
  Bytes v1 = simple_packet();
  v1[0] = 0x40;
  EXPECT_TRUE(rejects(v1));
  Bytes csrc = simple_packet();
  csrc[0] = 0x81;  // one CSRC, but only 3 bytes follow the fixed header
  EXPECT_TRUE(rejects(csrc));
  Bytes ext_header = simple_packet();
  ext_header[0] = 0x90;  // extension bit, only 3 bytes to read the 4-byte header from
  EXPECT_TRUE(rejects(ext_header));
  Bytes block = rich_packet();
  block[23] = 0x09;  // extension block of 9 words
  EXPECT_TRUE(rejects(block));
  Bytes element = rich_packet();
  element[27] = 0x3f;  // id 3 claims 16 bytes
  EXPECT_TRUE(rejects(element));
  Bytes zero_padding = rich_packet();
  zero_padding.back() = 0;
  EXPECT_TRUE(rejects(zero_padding));
  Bytes big_padding = rich_packet();
  big_padding.back() = 6;  // would eat into the header
  EXPECT_TRUE(rejects(big_padding));
  Bytes no_padding = simple_packet();
  no_padding.resize(12);
  no_padding[0] = 0xa0;
  EXPECT_TRUE(rejects(no_padding));
}

TEST(RtpPacket, RejectsEveryTruncationOfHeaderWithExtensions) {
  Bytes data = rich_packet();
  for (std::size_t n = 0; n < 32; ++n) {
    Bytes prefix(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(RtpPacket::parse(prefix).ok()) << "length " << n;
  }
}

TEST(RtpPacket, RewritesIdentityFieldsInPlaceLeavingTheRestAlone) {
  Bytes data = rich_packet();
  const Bytes before = data;
  auto p = RtpPacket::parse(data);
  ASSERT_TRUE(p.ok());
  p->set_ssrc(0x0a0b0c0d);
  p->set_sequence_number(0xfffe);
  p->set_timestamp(42);
  p->set_payload_type(100);
  p->set_marker(true);
  EXPECT_EQ(p->ssrc(), 0x0a0b0c0du);
  EXPECT_EQ(p->sequence_number(), 0xfffe);
  EXPECT_EQ(p->timestamp(), 42u);
  EXPECT_EQ(p->payload_type(), 100);
  EXPECT_TRUE(p->marker());
  EXPECT_EQ(data[0], before[0]);
  EXPECT_TRUE(std::equal(data.begin() + 12, data.end(), before.begin() + 12));
  p->set_marker(false);
  EXPECT_EQ(p->payload_type(), 100);
}

TEST(RtpPacket, SetsExtensionValueInPlaceOnlyWithSameLength) {
  Bytes data = rich_packet();
  auto p = RtpPacket::parse(data);
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->set_extension(3, Bytes{0x0a, 0x0b}));
  EXPECT_EQ(to_bytes(p->extension(3)), (Bytes{0x0a, 0x0b}));
  EXPECT_FALSE(p->set_extension(3, Bytes{0x0a}));
  EXPECT_FALSE(p->set_extension(4, Bytes{0x0a}));
  EXPECT_EQ(to_bytes(p->payload()), (Bytes{0x11, 0x22}));
}

TEST(RtpHeader, BuildsTheExpectedBytes) {
  RtpHeader h;
  h.payload_type = 111;
  h.sequence_number = 1;
  h.timestamp = 16;
  h.ssrc = 0xaabbccdd;
  h.csrcs = {1, 2};
  h.extensions = {{1, {0x7f}}, {3, {0x01, 0x02}}};
  const auto built = h.build(Bytes{0x11, 0x22}, 3);
  ASSERT_TRUE(built.ok());
  // Same as rich_packet() except that the elements are packed without the interior padding byte.
  const Bytes expected{0xb2, 0x6f, 0x00, 0x01, 0x00, 0x00, 0x00, 0x10, 0xaa, 0xbb, 0xcc, 0xdd, 0x00,
                       0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0xbe, 0xde, 0x00, 0x02, 0x10, 0x7f,
                       0x31, 0x01, 0x02, 0x00, 0x00, 0x00, 0x11, 0x22, 0x00, 0x00, 0x03};
  EXPECT_EQ(*built, expected);
}

TEST(RtpHeader, RoundTripsThroughParse) {
  RtpHeader h;
  h.marker = true;
  h.payload_type = 96;
  h.sequence_number = 65535;
  h.timestamp = 0xfedcba98;
  h.ssrc = 7;
  h.csrcs = {9};
  h.extensions = {{2, {1, 2, 3}}, {14, Bytes(16, 0xee)}};
  const Bytes payload{1, 2, 3, 4, 5};
  auto built = h.build(payload, 4);
  ASSERT_TRUE(built.ok());
  const auto p = RtpPacket::parse(*built);
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p->extension_profile(), ExtensionProfile::kOneByte);
  EXPECT_EQ(RtpHeader::from(*p), h);
  EXPECT_EQ(to_bytes(p->payload()), payload);
  EXPECT_EQ(p->padding_size(), 4u);
}

TEST(RtpHeader, SwitchesToTwoByteFormWhenAnElementNeedsIt) {
  RtpHeader h;
  h.extensions = {{1, {1}}, {20, Bytes(17, 0x55)}, {3, {}}};
  auto built = h.build({});
  ASSERT_TRUE(built.ok());
  const auto p = RtpPacket::parse(*built);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->extension_profile(), ExtensionProfile::kTwoByte);
  EXPECT_EQ(p->extension(20)->size(), 17u);
  EXPECT_TRUE(p->extension(3)->empty());
  h.two_byte_extensions = true;
  EXPECT_EQ(RtpHeader::from(*p), h);
}

TEST(RtpHeader, RefusesWhatCannotBeEncoded) {
  RtpHeader too_many_csrcs;
  too_many_csrcs.csrcs.assign(16, 1);
  EXPECT_FALSE(too_many_csrcs.build({}).ok());
  RtpHeader bad_pt;
  bad_pt.payload_type = 128;
  EXPECT_FALSE(bad_pt.build({}).ok());
  RtpHeader id_zero;
  id_zero.extensions = {{0, {1}}};
  EXPECT_FALSE(id_zero.build({}).ok());
  RtpHeader too_long;
  too_long.extensions = {{1, Bytes(256, 0)}};
  EXPECT_FALSE(too_long.build({}).ok());
  RtpHeader ok;
  Bytes small(11);
  EXPECT_FALSE(ok.serialize({}, small).ok());
}

}  // namespace
}  // namespace umbra::rtc::rtp
