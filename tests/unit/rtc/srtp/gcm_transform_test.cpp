#include "rtc/srtp/gcm_transform.h"

#include <gtest/gtest.h>

#include "rtc/srtp/srtp_session.h"

namespace umbra::rtc::srtp {
namespace {

constexpr Profile kGcm = Profile::kAeadAes128Gcm;

Bytes master_key() {
  Bytes key(master_key_and_salt_size(kGcm));
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(0x30 + i * 13);
  return key;
}

// RTP with two CSRCs and a one-byte-header extension block (RFC 8285), so the AAD is not just 12 bytes.
Bytes rtp_packet(std::uint16_t seq, std::uint32_t ssrc = 0xcafe0001, std::size_t payload = 200) {
  Bytes p{0x92, 0x60, 0, 0, 0,    0,    0x10, 0, 0, 0, 0, 0,  // V=2 X=1 CC=2, PT 96
          0,    0,    0, 1, 0,    0,    0,    2,              // CSRCs
          0xbe, 0xde, 0, 1, 0x10, 0x42, 0,    0};             // extension: id 1, one byte, padding
  store_be16(&p[2], seq);
  store_be32(&p[4], 3000u * seq);
  store_be32(&p[8], ssrc);
  for (std::size_t i = 0; i < payload; ++i) p.push_back(static_cast<std::uint8_t>(seq + i));
  return p;
}

Bytes rtcp_packet(std::uint32_t ssrc = 0xcafe0001) {
  Bytes p{0x81, 200, 0, 6, 0, 0, 0, 0};  // SR with one (zeroed) report block
  store_be32(&p[4], ssrc);
  for (int i = 0; i < 20; ++i) p.push_back(static_cast<std::uint8_t>(i));
  return p;
}

template <class Protector>
Bytes protect_rtp(Protector& p, const Bytes& plain) {
  Bytes buf = plain;
  buf.resize(plain.size() + 16);
  auto n = p.protect_rtp(buf, plain.size());
  EXPECT_TRUE(n.ok());
  buf.resize(n.ok() ? *n : 0);
  return buf;
}

template <class Protector>
Bytes protect_rtcp(Protector& p, const Bytes& plain) {
  Bytes buf = plain;
  buf.resize(plain.size() + 20);
  auto n = p.protect_rtcp(buf, plain.size());
  EXPECT_TRUE(n.ok());
  buf.resize(n.ok() ? *n : 0);
  return buf;
}

class GcmTransformOracle : public ::testing::Test {
 protected:
  GcmTransform ours_tx_{Direction::kOutbound, master_key()};
  GcmTransform ours_rx_{Direction::kInbound, master_key()};
  SrtpSession libsrtp_tx_{kGcm, Direction::kOutbound, master_key(), Backend::kLibsrtp};
  SrtpSession libsrtp_rx_{kGcm, Direction::kInbound, master_key(), Backend::kLibsrtp};
};

TEST_F(GcmTransformOracle, ProtectsRtpToTheSameBytesAsLibsrtp) {
  for (std::uint16_t seq : std::initializer_list<std::uint16_t>{1, 2, 100, 1000}) {
    const Bytes plain = rtp_packet(seq);
    EXPECT_EQ(protect_rtp(ours_tx_, plain), protect_rtp(libsrtp_tx_, plain)) << "seq " << seq;
  }
}

TEST_F(GcmTransformOracle, EachUnprotectsWhatTheOtherProtects) {
  for (std::uint16_t seq = 10; seq < 20; ++seq) {
    const Bytes plain = rtp_packet(seq, 0xcafe0001, seq * 7u);
    Bytes from_us = protect_rtp(ours_tx_, plain);
    auto n = libsrtp_rx_.unprotect_rtp(from_us);
    ASSERT_TRUE(n.ok()) << to_string(n.error());
    from_us.resize(*n);
    EXPECT_EQ(from_us, plain);

    Bytes from_libsrtp = protect_rtp(libsrtp_tx_, plain);
    auto m = ours_rx_.unprotect_rtp(from_libsrtp);
    ASSERT_TRUE(m.ok()) << to_string(m.error());
    from_libsrtp.resize(*m);
    EXPECT_EQ(from_libsrtp, plain);
  }
}

TEST_F(GcmTransformOracle, FollowsTheRolloverCounterAcrossSequenceWrap) {
  for (std::uint32_t i = 0; i < 20; ++i) {
    const auto seq = static_cast<std::uint16_t>(65530 + i);  // wraps to 0 after 65535: ROC becomes 1
    const Bytes plain = rtp_packet(seq);
    const Bytes ours = protect_rtp(ours_tx_, plain);
    Bytes theirs = protect_rtp(libsrtp_tx_, plain);
    EXPECT_EQ(ours, theirs) << "seq " << seq;
    auto n = ours_rx_.unprotect_rtp(theirs);
    ASSERT_TRUE(n.ok()) << "seq " << seq << ": " << to_string(n.error());
  }
}

TEST_F(GcmTransformOracle, ProtectsRtcpToTheSameBytesAsLibsrtpAndBack) {
  for (int i = 0; i < 3; ++i) {
    const Bytes plain = rtcp_packet();
    const Bytes ours = protect_rtcp(ours_tx_, plain);
    Bytes theirs = protect_rtcp(libsrtp_tx_, plain);
    EXPECT_EQ(ours, theirs);
    Bytes copy = ours;
    auto n = libsrtp_rx_.unprotect_rtcp(copy);
    ASSERT_TRUE(n.ok()) << to_string(n.error());
    auto m = ours_rx_.unprotect_rtcp(theirs);
    ASSERT_TRUE(m.ok()) << to_string(m.error());
    theirs.resize(*m);
    EXPECT_EQ(theirs, plain);
  }
}

TEST_F(GcmTransformOracle, RejectsTamperingReplayAndTooOldPackets) {
  const Bytes p1 = protect_rtp(libsrtp_tx_, rtp_packet(5000));
  Bytes tampered = p1;
  tampered[40] ^= 1;
  EXPECT_EQ(ours_rx_.unprotect_rtp(tampered).error(), SrtpError::kAuthFailed);
  Bytes header_tampered = p1;
  header_tampered[1] ^= 1;  // the header is authenticated too (AAD)
  EXPECT_EQ(ours_rx_.unprotect_rtp(header_tampered).error(), SrtpError::kAuthFailed);

  Bytes ok = p1;
  ASSERT_TRUE(ours_rx_.unprotect_rtp(ok).ok());
  Bytes again = p1;
  EXPECT_EQ(ours_rx_.unprotect_rtp(again).error(), SrtpError::kReplay);

  // Advance far beyond the window, then an old packet is refused.
  Bytes old = protect_rtp(libsrtp_tx_, rtp_packet(5001));
  Bytes newer = protect_rtp(libsrtp_tx_, rtp_packet(5001 + ReplayWindow::kSize + 10));
  ASSERT_TRUE(ours_rx_.unprotect_rtp(newer).ok());
  EXPECT_EQ(ours_rx_.unprotect_rtp(old).error(), SrtpError::kReplay);

  const Bytes r = protect_rtcp(libsrtp_tx_, rtcp_packet());
  Bytes r1 = r;
  ASSERT_TRUE(ours_rx_.unprotect_rtcp(r1).ok());
  Bytes r2 = r;
  EXPECT_EQ(ours_rx_.unprotect_rtcp(r2).error(), SrtpError::kReplay);
}

TEST_F(GcmTransformOracle, ForgedPacketsDoNotDisturbTheStream) {
  // A forgery with a fresh SSRC and a huge sequence jump must not move any window.
  Bytes forged = protect_rtp(ours_tx_, rtp_packet(30000, 0x0bad0bad));
  forged.back() ^= 0xff;
  EXPECT_EQ(ours_rx_.unprotect_rtp(forged).error(), SrtpError::kAuthFailed);
  for (std::uint16_t seq :
       std::initializer_list<std::uint16_t>{7, 6, 8}) {  // reordering within the window is fine
    Bytes p = protect_rtp(libsrtp_tx_, rtp_packet(seq));
    EXPECT_TRUE(ours_rx_.unprotect_rtp(p).ok()) << seq;
  }
}

TEST(GcmTransform, RefusesShortBuffersAndRuntPackets) {
  GcmTransform tx(Direction::kOutbound, master_key());
  Bytes buf = rtp_packet(1);
  const std::size_t len = buf.size();
  buf.resize(len + 15);
  EXPECT_EQ(tx.protect_rtp(buf, len).error(), SrtpError::kBufferTooSmall);
  Bytes runt{0x80, 0x60, 0, 1};
  EXPECT_EQ(tx.unprotect_rtp(runt).error(), SrtpError::kMalformed);
  // Extension length pointing past the end.
  Bytes bad_ext = rtp_packet(1, 1, 0);
  bad_ext[22] = 0xff;
  EXPECT_EQ(tx.unprotect_rtp(bad_ext).error(), SrtpError::kMalformed);
  EXPECT_THROW(GcmTransform(Direction::kOutbound, Bytes(30)), std::invalid_argument);
}

}  // namespace
}  // namespace umbra::rtc::srtp
