#include <gtest/gtest.h>

#include "rtc/rtcp/packet.h"

namespace umbra::rtc::rtcp {
namespace {

// RR from SSRC 1 about SSRC 2 (fraction 16/256, cumulative lost -2), then SDES CNAME "abcdefg".
const Bytes kReceiverReportAndSdes{
    0x81, 0xc9, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01,                           // RR header, SSRC
    0x00, 0x00, 0x00, 0x02, 0x10, 0xff, 0xff, 0xfe, 0x00, 0x01, 0x00, 0x05,   // block
    0x00, 0x00, 0x00, 0x20, 0x11, 0x22, 0x33, 0x44, 0x00, 0x01, 0x00, 0x00,   //
    0x81, 0xca, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01,                           // SDES header, chunk SSRC
    0x01, 0x07, 'a',  'b',  'c',  'd',  'e',  'f',  'g',  0x00, 0x00, 0x00};  // CNAME, end, padding

TEST(RtcpCompound, ParsesReceiverReportAndSdes) {
  const auto packets = parse_packets(kReceiverReportAndSdes);
  ASSERT_TRUE(packets.ok()) << packets.error();
  ASSERT_EQ(packets->size(), 2u);
  const auto& rr = std::get<ReceiverReport>((*packets)[0]);
  EXPECT_EQ(rr.ssrc, 1u);
  ASSERT_EQ(rr.reports.size(), 1u);
  EXPECT_EQ(rr.reports[0].ssrc, 2u);
  EXPECT_EQ(rr.reports[0].fraction_lost, 16);
  EXPECT_EQ(rr.reports[0].cumulative_lost, -2);
  EXPECT_EQ(rr.reports[0].highest_sequence, 0x00010005u);
  EXPECT_EQ(rr.reports[0].jitter, 32u);
  EXPECT_EQ(rr.reports[0].last_sr, 0x11223344u);
  EXPECT_EQ(rr.reports[0].delay_since_last_sr, 65536u);
  const auto& sdes = std::get<Sdes>((*packets)[1]);
  EXPECT_EQ(sdes.cname(1), "abcdefg");
  EXPECT_FALSE(sdes.cname(2));
}

TEST(RtcpCompound, SerializesBackToTheSameBytes) {
  const auto packets = parse_packets(kReceiverReportAndSdes);
  ASSERT_TRUE(packets.ok());
  const auto bytes = serialize(*packets);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, kReceiverReportAndSdes);
}

TEST(RtcpCompound, RejectsEveryTruncationInsideAPacket) {
  for (std::size_t n = 0; n < kReceiverReportAndSdes.size(); ++n) {
    if (n == 32) continue;  // exactly the RR alone: a valid compound
    const ByteSpan prefix = ByteSpan(kReceiverReportAndSdes).first(n);
    EXPECT_FALSE(parse_compound(prefix).ok()) << "length " << n;
  }
  EXPECT_TRUE(parse_compound(ByteSpan(kReceiverReportAndSdes).first(32)).ok());
}

TEST(RtcpCompound, RejectsLyingHeaders) {
  Bytes version = kReceiverReportAndSdes;
  version[32] = 0x41;
  EXPECT_FALSE(parse_compound(version).ok());
  Bytes longer = kReceiverReportAndSdes;
  longer[35] = 0x05;  // SDES claims one more word than there is
  EXPECT_FALSE(parse_compound(longer).ok());
  Bytes zero_padding = kReceiverReportAndSdes;
  zero_padding[32] = 0xa1;  // P set; last byte is 0
  EXPECT_FALSE(parse_compound(zero_padding).ok());
  Bytes big_padding = kReceiverReportAndSdes;
  big_padding[32] = 0xa1;
  big_padding.back() = 17;  // more than the 16-byte body
  EXPECT_FALSE(parse_compound(big_padding).ok());
}

TEST(RtcpCompound, RejectsReportCountThatDoesNotFit) {
  Bytes rr(kReceiverReportAndSdes.begin(), kReceiverReportAndSdes.begin() + 32);
  rr[0] = 0x82;  // two report blocks claimed, one present
  const auto packets = parse_packets(rr);
  EXPECT_FALSE(packets.ok());
}

TEST(RtcpCompound, KeepsUnknownPacketsForRelaying) {
  // APP packet (RFC 3550 section 6.7), subtype 3, name "UMBR", 4 bytes of data.
  const Bytes app{0x83, 0xcc, 0x00, 0x03, 0x00, 0x00, 0x00, 0x09, 'U', 'M', 'B', 'R', 1, 2, 3, 4};
  const auto packets = parse_packets(app);
  ASSERT_TRUE(packets.ok());
  const auto& unknown = std::get<UnknownPacket>((*packets)[0]);
  EXPECT_EQ(unknown.type, type::kApp);
  EXPECT_EQ(unknown.count, 3);
  EXPECT_EQ(unknown.body.size(), 12u);
  EXPECT_EQ(*serialize(*packets), app);
}

TEST(RtcpCompound, PadsUnalignedBodiesWithRtcpPadding) {
  const UnknownPacket odd{0, 210, {1, 2, 3, 4, 5}};
  Bytes out;
  ASSERT_TRUE(odd.serialize(out).ok());
  EXPECT_EQ(out, (Bytes{0xa0, 210, 0x00, 0x02, 1, 2, 3, 4, 5, 0x00, 0x00, 0x03}));
  const auto back = parse_packets(out);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::get<UnknownPacket>((*back)[0]), odd);
}

TEST(SenderReport, ParsesAndSerializesSymmetrically) {
  const Bytes wire{0x80, 0xc8, 0x00, 0x06, 0xaa, 0xbb, 0xcc, 0xdd, 0xe8, 0x3c, 0x4a, 0x2f, 0x80, 0x00,
                   0x00, 0x00, 0x00, 0x01, 0x5f, 0x90, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x27, 0x10};
  const auto packets = parse_packets(wire);
  ASSERT_TRUE(packets.ok()) << packets.error();
  const auto& sr = std::get<SenderReport>((*packets)[0]);
  EXPECT_EQ(sr.ssrc, 0xaabbccddu);
  EXPECT_EQ(sr.ntp_timestamp, 0xe83c4a2f80000000u);
  EXPECT_EQ(sr.rtp_timestamp, 90000u);
  EXPECT_EQ(sr.packet_count, 100u);
  EXPECT_EQ(sr.octet_count, 10000u);
  EXPECT_TRUE(sr.reports.empty());
  Bytes out;
  ASSERT_TRUE(sr.serialize(out).ok());
  EXPECT_EQ(out, wire);
}

TEST(SenderReport, RoundTripsReportBlocks) {
  SenderReport sr{1, 2, 3, 4, 5, {}};
  for (std::uint32_t i = 0; i < 31; ++i) sr.reports.push_back({i, 1, -8388608, 3, 4, 5, 6});
  Bytes out;
  ASSERT_TRUE(sr.serialize(out).ok());
  const auto back = parse_packets(out);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::get<SenderReport>((*back)[0]), sr);
  sr.reports.push_back({});
  EXPECT_FALSE(sr.serialize(out).ok());
}

TEST(Sdes, RoundTripsSeveralChunksAndItems) {
  Sdes sdes;
  sdes.chunks.push_back({1, {{SdesItem::kCname, "user@host"}, {6, "umbra"}}});
  sdes.chunks.push_back({2, {}});
  sdes.chunks.push_back({3, {{SdesItem::kCname, "abc"}}});
  Bytes out;
  ASSERT_TRUE(sdes.serialize(out).ok());
  EXPECT_EQ(out.size() % 4, 0u);
  EXPECT_EQ(out[0] & 0x20, 0);  // chunks are aligned by null octets, not RTCP padding
  const auto back = parse_packets(out);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(std::get<Sdes>((*back)[0]), sdes);
}

TEST(Sdes, RejectsUnterminatedAndOverrunningItems) {
  const Bytes unterminated{0x81, 0xca, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 'a', 'b'};
  EXPECT_FALSE(parse_packets(unterminated).ok());
  const Bytes overrun{0x81, 0xca, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x09, 'a', 'b'};
  EXPECT_FALSE(parse_packets(overrun).ok());
  Sdes bad{{{1, {{0, "x"}}}}};
  Bytes out;
  EXPECT_FALSE(bad.serialize(out).ok());
}

TEST(Bye, RoundTripsSsrcsAndReason) {
  const Bye bye{{0x11111111, 0x22222222}, "bye"};
  Bytes out;
  ASSERT_TRUE(bye.serialize(out).ok());
  EXPECT_EQ(out, (Bytes{0x82, 0xcb, 0x00, 0x03, 0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22, 0x03, 'b',
                        'y', 'e'}));
  const auto back = parse_packets(out);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(std::get<Bye>((*back)[0]), bye);
  const Bytes overrun{0x81, 0xcb, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x09, 'a', 'b', 'c'};
  EXPECT_FALSE(parse_packets(overrun).ok());
}

}  // namespace
}  // namespace umbra::rtc::rtcp
