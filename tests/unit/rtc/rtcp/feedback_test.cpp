#include <gtest/gtest.h>

#include "rtc/rtcp/packet.h"

namespace umbra::rtc::rtcp {
namespace {

template <class T>
T parse_one(const Bytes& wire) {
  auto packets = parse_packets(wire);
  EXPECT_TRUE(packets.ok()) << (packets.ok() ? "" : packets.error());
  EXPECT_EQ(packets->size(), 1u);
  return std::get<T>(packets->front());
}

template <class T>
Bytes bytes_of(const T& packet) {
  Bytes out;
  EXPECT_TRUE(packet.serialize(out).ok());
  return out;
}

TEST(Nack, PacksLostSequenceNumbersIntoPidAndBitmask) {
  const std::vector<std::uint16_t> lost{100, 101, 105, 116, 117, 200, 65535, 0, 3};
  const auto nack = Nack::from_lost(0x01, 0x02, lost);
  ASSERT_EQ(nack.items.size(), 4u);
  EXPECT_EQ(nack.items[0], (NackItem{100, 0x8011}));  // 101, 105, 116
  EXPECT_EQ(nack.items[1], (NackItem{117, 0x0000}));
  EXPECT_EQ(nack.items[2], (NackItem{200, 0x0000}));
  EXPECT_EQ(nack.items[3], (NackItem{65535, 0x0009}));  // wraps: 0 and 3
  EXPECT_EQ(nack.lost_sequence_numbers(), lost);
}

TEST(Nack, HasTheRfc4585WireFormat) {
  const Nack nack{0x01020304, 0x05060708, {{0x1234, 0x8001}}};
  const Bytes wire{0x81, 0xcd, 0x00, 0x03, 0x01, 0x02, 0x03, 0x04,
                   0x05, 0x06, 0x07, 0x08, 0x12, 0x34, 0x80, 0x01};
  EXPECT_EQ(bytes_of(nack), wire);
  EXPECT_EQ(parse_one<Nack>(wire), nack);
}

TEST(Pli, HasTheRfc4585WireFormat) {
  const Pli pli{0x01020304, 0x05060708};
  const Bytes wire{0x81, 0xce, 0x00, 0x02, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  EXPECT_EQ(bytes_of(pli), wire);
  EXPECT_EQ(parse_one<Pli>(wire), pli);
}

TEST(Fir, HasTheRfc5104WireFormat) {
  const Fir fir{0x01020304, 0, {{0x0a0b0c0d, 7}, {0x11223344, 255}}};
  const Bytes wire{0x84, 0xce, 0x00, 0x06, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x0b,
                   0x0c, 0x0d, 0x07, 0x00, 0x00, 0x00, 0x11, 0x22, 0x33, 0x44, 0xff, 0x00, 0x00, 0x00};
  EXPECT_EQ(bytes_of(fir), wire);
  EXPECT_EQ(parse_one<Fir>(wire), fir);
  Bytes ragged = wire;
  ragged[3] = 0x05;
  ragged.resize(24);
  EXPECT_FALSE(parse_packets(ragged).ok());
}

TEST(Remb, EncodesBitrateAsMantissaAndExponent) {
  const Remb remb{0x01020304, 0, 1'000'000, {0xaabbccdd}};
  // 1,000,000 = 250,000 << 2: exponent 2, mantissa 0x3d090.
  const Bytes wire{0x8f, 0xce, 0x00, 0x05, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x00,
                   'R',  'E',  'M',  'B',  0x01, 0x0b, 0xd0, 0x90, 0xaa, 0xbb, 0xcc, 0xdd};
  EXPECT_EQ(bytes_of(remb), wire);
  EXPECT_EQ(parse_one<Remb>(wire), remb);
}

TEST(Remb, RoundsBitrateDownToWhatTheFieldCarries) {
  const Remb remb{1, 0, 1'000'003, {}};
  EXPECT_EQ(parse_one<Remb>(bytes_of(remb)).bitrate_bps, 1'000'000u);
}

TEST(Remb, RejectsOverflowingBitrateAndShortSsrcList) {
  const Bytes overflow{0x8f, 0xce, 0x00, 0x04, 0,   0,   0,    1,    0,    0,
                       0,    0,    'R',  'E',  'M', 'B', 0x00, 0xff, 0xff, 0xff};
  EXPECT_FALSE(parse_packets(overflow).ok());
  const Bytes short_list{0x8f, 0xce, 0x00, 0x04, 0,   0,   0,    1,    0,    0,
                         0,    0,    'R',  'E',  'M', 'B', 0x02, 0x00, 0x00, 0x01};
  EXPECT_FALSE(parse_packets(short_list).ok());
}

TEST(Remb, OtherApplicationFeedbackStaysUnknown) {
  const Bytes afb{0x8f, 0xce, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 'X', 'Y', 'Z', 'W'};
  const auto packets = parse_packets(afb);
  ASSERT_TRUE(packets.ok());
  EXPECT_TRUE(std::holds_alternative<UnknownPacket>(packets->front()));
}

// Two feedback packets as libwebrtc writes them (also used by pion/rtcp's tests).
const Bytes kTwccOneSmallDelta{0xaf, 0xcd, 0x00, 0x05, 0xfa, 0x17, 0xfa, 0x17, 0x43, 0x03, 0x2f, 0xa0,
                               0x00, 0x99, 0x00, 0x01, 0x3d, 0xe8, 0x02, 0x17, 0x20, 0x01, 0x94, 0x01};
const Bytes kTwccRunOfSeven{0xaf, 0xcd, 0x00, 0x07, 0xfa, 0x17, 0xfa, 0x17, 0x19, 0x3d, 0xd8,
                            0xbb, 0x00, 0x04, 0x00, 0x07, 0x10, 0x63, 0x6e, 0x01, 0x20, 0x07,
                            0x4c, 0x24, 0x24, 0x10, 0x0c, 0x0c, 0x10, 0x00, 0x00, 0x03};

TEST(TransportCc, ParsesLibwebrtcFeedbackAndWritesItBackByteForByte) {
  const auto one = parse_one<TransportCc>(kTwccOneSmallDelta);
  EXPECT_EQ(one.sender_ssrc, 4195875351u);
  EXPECT_EQ(one.media_ssrc, 1124282272u);
  EXPECT_EQ(one.base_sequence, 153);
  EXPECT_EQ(one.reference_time, 4057090);
  EXPECT_EQ(one.feedback_count, 23);
  ASSERT_EQ(one.packets.size(), 1u);
  EXPECT_EQ(one.packets[0], (TransportCc::PacketStatus{TransportCc::Status::kSmallDelta, 148}));  // 37 ms
  EXPECT_EQ(bytes_of(one), kTwccOneSmallDelta);

  const auto seven = parse_one<TransportCc>(kTwccRunOfSeven);
  EXPECT_EQ(seven.base_sequence, 4);
  EXPECT_EQ(seven.reference_time, 1074030);
  ASSERT_EQ(seven.packets.size(), 7u);
  const std::vector<std::int16_t> deltas{76, 36, 36, 16, 12, 12, 16};
  for (std::size_t i = 0; i < 7; ++i) EXPECT_EQ(seven.packets[i].delta_ticks, deltas[i]);
  EXPECT_EQ(bytes_of(seven), kTwccRunOfSeven);
}

TEST(TransportCc, ReadsOneBitStatusVectorChunks) {
  // Draft section 3.1.4 example: 0x9f1c = lost, 5 received, 3 lost, 3 received, 2 lost.
  const Bytes wire{0x8f, 0xcd, 0x00, 0x07, 0,    0,    0, 1, 0, 0, 0, 2, 0x00, 0x0a, 0x00, 0x0e,
                   0x00, 0x00, 0x01, 0x00, 0x9f, 0x1c, 1, 2, 3, 4, 5, 6, 7,    8,    0x00, 0x00};
  const auto fb = parse_one<TransportCc>(wire);
  ASSERT_EQ(fb.packets.size(), 14u);
  const std::string expected = "01111100011100";
  std::int16_t next_delta = 1;
  for (std::size_t i = 0; i < 14; ++i) {
    const bool received = expected[i] == '1';
    EXPECT_EQ(fb.packets[i].status,
              received ? TransportCc::Status::kSmallDelta : TransportCc::Status::kNotReceived);
    EXPECT_EQ(fb.packets[i].delta_ticks, received ? next_delta++ : 0);
  }
}

TEST(TransportCc, BuildsFromArrivalTimesAndReadsThemBack) {
  std::vector<std::optional<std::int64_t>> arrivals;
  std::int64_t t = 1'000'000'000;  // 1000 s on some receive clock
  for (int i = 0; i < 300; ++i) {
    if (i % 17 == 3 || (i >= 100 && i < 140)) {
      arrivals.push_back(std::nullopt);  // lost, including a long run
      continue;
    }
    t += (i % 50 == 0) ? 70'000 : 4'000;  // mostly small, some large deltas
    if (i == 200) t -= 30'000;            // reordering: a negative delta
    arrivals.push_back(t);
  }
  const auto fb = TransportCc::from_arrivals(1, 2, 65500, 9, arrivals);
  ASSERT_TRUE(fb.ok()) << fb.error();
  EXPECT_EQ(fb->reference_time, *arrivals[0] / 64'000);  // floor of the first arrival
  Bytes wire;
  ASSERT_TRUE(fb->serialize(wire).ok());
  const auto back = parse_one<TransportCc>(wire);
  EXPECT_EQ(back, *fb);
  const auto times = back.arrival_times_us();
  ASSERT_EQ(times.size(), arrivals.size());
  for (std::size_t i = 0; i < arrivals.size(); ++i) {
    ASSERT_EQ(times[i].has_value(), arrivals[i].has_value()) << i;
    if (times[i]) {
      EXPECT_EQ(*times[i], *arrivals[i] / 250 * 250) << i;
    }
  }
}

TEST(TransportCc, RefusesDeltasTooLargeForSixteenBits) {
  const std::vector<std::optional<std::int64_t>> arrivals{0, 9'000'000};
  EXPECT_FALSE(TransportCc::from_arrivals(1, 2, 0, 0, arrivals).ok());
}

TEST(TransportCc, RejectsReservedSymbolsAndMissingDeltas) {
  // Run length chunk with the reserved status 11.
  const Bytes reserved{0x8f, 0xcd, 0x00, 0x05, 0,    0,    0,    1,    0,    0,    0,    2,
                       0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x60, 0x01, 0x00, 0x00};
  EXPECT_FALSE(parse_packets(reserved).ok());
  // Seven small deltas announced, two present.
  const Bytes short_deltas{0x8f, 0xcd, 0x00, 0x05, 0,    0,    0,    1,    0,    0,    0,    2,
                           0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x20, 0x07, 0x01, 0x02};
  EXPECT_FALSE(parse_packets(short_deltas).ok());
  // Status count larger than the chunks cover.
  const Bytes short_chunks{0x8f, 0xcd, 0x00, 0x05, 0,    0,    0,    1,    0,    0,    0,    2,
                           0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00};
  EXPECT_FALSE(parse_packets(short_chunks).ok());
}

}  // namespace
}  // namespace umbra::rtc::rtcp
