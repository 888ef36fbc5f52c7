#include "rtc/srtp/srtp_session.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace umbra::rtc::srtp {
namespace {

Bytes test_key(Profile profile, std::uint8_t seed) {
  Bytes key(master_key_and_salt_size(profile));
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(seed + i * 7);
  return key;
}

// A minimal RTP packet (RFC 3550 5.1): V=2, PT 96, the given sequence number, SSRC 0x11223344.
Bytes rtp_packet(std::uint16_t seq, std::size_t payload_size = 100) {
  Bytes p(12 + payload_size);
  p[0] = 0x80;
  p[1] = 96;
  store_be16(&p[2], seq);
  store_be32(&p[4], 90000u + seq * 3000u);
  store_be32(&p[8], 0x11223344);
  for (std::size_t i = 12; i < p.size(); ++i) p[i] = static_cast<std::uint8_t>(i);
  return p;
}

// An RTCP receiver report with no report blocks (RFC 3550 6.4.2) followed by an SDES-like filler.
Bytes rtcp_packet() {
  Bytes p{0x80, 201, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44};
  return p;
}

struct Variant {
  Profile profile;
  Backend backend;
  const char* name;
};

class SrtpSessionTest : public ::testing::TestWithParam<Variant> {
 protected:
  Profile profile() const { return GetParam().profile; }
  SrtpSession sender_{profile(), Direction::kOutbound, test_key(profile(), 1), GetParam().backend};
  SrtpSession receiver_{profile(), Direction::kInbound, test_key(profile(), 1), GetParam().backend};

  Bytes protect(const Bytes& plain) {
    Bytes buf = plain;
    buf.resize(plain.size() + rtp_overhead(profile()));
    auto n = sender_.protect_rtp(buf, plain.size());
    EXPECT_TRUE(n.ok());
    buf.resize(n.ok() ? *n : 0);
    return buf;
  }
};

TEST_P(SrtpSessionTest, RtpRoundTripsThroughProtectAndUnprotect) {
  const Bytes plain = rtp_packet(1000);
  Bytes packet = protect(plain);
  ASSERT_EQ(packet.size(), plain.size() + rtp_overhead(profile()));
  // The header stays readable; the payload does not.
  EXPECT_TRUE(std::equal(plain.begin(), plain.begin() + 12, packet.begin()));
  EXPECT_FALSE(std::equal(plain.begin() + 12, plain.end(), packet.begin() + 12));

  auto n = receiver_.unprotect_rtp(packet);
  ASSERT_TRUE(n.ok()) << to_string(n.error());
  packet.resize(*n);
  EXPECT_EQ(packet, plain);
}

TEST_P(SrtpSessionTest, RejectsATamperedPacket) {
  Bytes packet = protect(rtp_packet(7));
  packet[20] ^= 0x01;
  auto n = receiver_.unprotect_rtp(packet);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error(), SrtpError::kAuthFailed);
}

TEST_P(SrtpSessionTest, RejectsAPacketUnderAnotherKey) {
  SrtpSession other(profile(), Direction::kInbound, test_key(profile(), 9), GetParam().backend);
  Bytes packet = protect(rtp_packet(7));
  auto n = other.unprotect_rtp(packet);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error(), SrtpError::kAuthFailed);
}

TEST_P(SrtpSessionTest, RejectsAReplayedPacket) {
  const Bytes packet = protect(rtp_packet(42));
  Bytes first = packet;
  ASSERT_TRUE(receiver_.unprotect_rtp(first).ok());
  Bytes again = packet;
  auto n = receiver_.unprotect_rtp(again);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error(), SrtpError::kReplay);
}

TEST_P(SrtpSessionTest, AcceptsReorderedPacketsWithinTheWindow) {
  const Bytes a = protect(rtp_packet(100));
  const Bytes b = protect(rtp_packet(101));
  const Bytes c = protect(rtp_packet(102));
  for (Bytes p : {c, a, b}) EXPECT_TRUE(receiver_.unprotect_rtp(p).ok());
}

TEST_P(SrtpSessionTest, RtcpRoundTripsAndRejectsTamperingAndReplay) {
  const Bytes plain = rtcp_packet();
  Bytes buf = plain;
  buf.resize(plain.size() + rtcp_overhead(profile()));
  auto n = sender_.protect_rtcp(buf, plain.size());
  ASSERT_TRUE(n.ok()) << to_string(n.error());
  ASSERT_EQ(*n, plain.size() + rtcp_overhead(profile()));
  const Bytes packet = buf;

  Bytes tampered = packet;
  tampered[9] ^= 0x80;
  auto bad = receiver_.unprotect_rtcp(tampered);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), SrtpError::kAuthFailed);

  Bytes good = packet;
  auto m = receiver_.unprotect_rtcp(good);
  ASSERT_TRUE(m.ok()) << to_string(m.error());
  good.resize(*m);
  EXPECT_EQ(good, plain);

  Bytes replay = packet;
  auto r = receiver_.unprotect_rtcp(replay);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), SrtpError::kReplay);
}

TEST_P(SrtpSessionTest, RefusesToProtectWithoutRoomForTheTag) {
  Bytes buf = rtp_packet(5);
  const std::size_t len = buf.size();
  buf.resize(len + rtp_overhead(profile()) - 1);
  auto n = sender_.protect_rtp(buf, len);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error(), SrtpError::kBufferTooSmall);
}

TEST_P(SrtpSessionTest, RejectsRuntPacketsWithoutTouchingThem) {
  Bytes tiny{0x80, 96, 0, 1};
  EXPECT_EQ(receiver_.unprotect_rtp(tiny).error(), SrtpError::kMalformed);
  EXPECT_EQ(receiver_.unprotect_rtcp(tiny).error(), SrtpError::kMalformed);
  Bytes buf(64);
  EXPECT_EQ(sender_.protect_rtp(buf, 4).error(), SrtpError::kMalformed);
  EXPECT_EQ(sender_.protect_rtp(buf, 65).error(), SrtpError::kMalformed);
}

INSTANTIATE_TEST_SUITE_P(
    AllBackends, SrtpSessionTest,
    ::testing::Values(Variant{Profile::kAeadAes128Gcm, Backend::kFastest, "AeadAes128GcmEvp"},
                      Variant{Profile::kAeadAes128Gcm, Backend::kLibsrtp, "AeadAes128GcmLibsrtp"},
                      Variant{Profile::kAes128CmHmacSha1_80, Backend::kFastest, "AesCm128HmacSha1_80"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(SrtpSession, RejectsAKeyOfTheWrongSize) {
  const Bytes short_key(16);
  EXPECT_THROW(SrtpSession(Profile::kAeadAes128Gcm, Direction::kOutbound, short_key), std::invalid_argument);
}

TEST(SrtpSession, ProfilesUseTheRfcKeyAndSaltSizes) {
  EXPECT_EQ(master_key_and_salt_size(Profile::kAes128CmHmacSha1_80), 30u);  // RFC 5764 4.1.2
  EXPECT_EQ(master_key_and_salt_size(Profile::kAeadAes128Gcm), 28u);        // RFC 7714 12
}

}  // namespace
}  // namespace umbra::rtc::srtp
