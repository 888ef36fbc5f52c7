#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "common/hex.h"
#include "sframe/key_schedule.h"
#include "sframe/sframe.h"
#include "sframe/suite.h"
#include "support/vectors.h"

namespace umbra::sframe {
namespace {

using umbra::testing::load_vectors;
using umbra::testing::unhex;

std::string hex(ByteSpan b) {
  return hex_encode(b);
}

// RFC 9605 appendix C.5 (suites 1-5) and the AES-256-CTR companion file (suites 6-8): every
// intermediate value of the key schedule, then the whole frame both ways.
void check_sframe_vectors(const std::string& file, const char* section) {
  const auto vectors = load_vectors(file);
  ASSERT_FALSE(vectors.at(section).empty());
  for (const auto& v : vectors.at(section)) {
    const auto suite_value = v.at("cipher_suite").get<std::uint16_t>();
    SCOPED_TRACE(suite_value);
    ASSERT_TRUE(is_supported(suite_value));
    const auto suite = static_cast<CipherSuite>(suite_value);
    const auto& params = suite_params(suite);
    const auto kid = v.at("kid").get<std::uint64_t>();
    const auto ctr = v.at("ctr").get<std::uint64_t>();
    const auto base_key = unhex(v.at("base_key").get<std::string>());
    const auto metadata = unhex(v.at("metadata").get<std::string>());
    const auto pt = unhex(v.at("pt").get<std::string>());
    const auto ct = unhex(v.at("ct").get<std::string>());

    EXPECT_EQ(hex(key_label(suite, kid)), v.at("sframe_key_label").get<std::string>());
    EXPECT_EQ(hex(salt_label(suite, kid)), v.at("sframe_salt_label").get<std::string>());
    const auto material = derive_key_material(params, kid, base_key);
    EXPECT_EQ(hex(material.secret), v.at("sframe_secret").get<std::string>());
    EXPECT_EQ(hex(material.key), v.at("sframe_key").get<std::string>());
    EXPECT_EQ(hex(material.salt), v.at("sframe_salt").get<std::string>());
    std::array<std::uint8_t, kNonceSize> salt{};
    ASSERT_EQ(material.salt.size(), salt.size());
    std::copy(material.salt.begin(), material.salt.end(), salt.begin());
    EXPECT_EQ(hex(form_nonce(salt, ctr)), v.at("nonce").get<std::string>());

    // AAD = header || metadata.
    std::array<std::uint8_t, kMaxHeaderSize> header{};
    const auto header_size = encode(Header{kid, ctr}, header);
    ASSERT_TRUE(header_size.ok());
    Bytes aad(header.begin(), header.begin() + static_cast<std::ptrdiff_t>(*header_size));
    aad.insert(aad.end(), metadata.begin(), metadata.end());
    EXPECT_EQ(hex(aad), v.at("aad").get<std::string>());

    Context sender(suite);
    sender.add_key(kid, base_key);
    Bytes frame(pt.size() + kMaxOverhead);
    const auto sealed = sender.protect_with_counter(kid, ctr, metadata, pt, frame);
    ASSERT_TRUE(sealed.ok()) << to_string(sealed.error());
    EXPECT_EQ(hex(ByteSpan(frame).first(*sealed)), hex(ct));

    Context receiver(suite);
    receiver.add_key(kid, base_key);
    Bytes out(ct.size());
    const auto opened = receiver.unprotect(metadata, ct, out);
    ASSERT_TRUE(opened.ok()) << to_string(opened.error());
    EXPECT_EQ(opened->kid, kid);
    EXPECT_EQ(opened->ctr, ctr);
    EXPECT_EQ(hex(ByteSpan(out).first(opened->size)), hex(pt));
  }
}

TEST(SframeContext, MatchesRfcVectorsForSuites1To5) {
  check_sframe_vectors("sframe/test-vectors.json", "sframe");
}

TEST(SframeContext, MatchesVectorsForAes256CtrSuites6To8) {
  check_sframe_vectors("sframe/test-vectors-aes256.json", "sframe_aes_256_ctr_hmac");
}

// umbra-e2ee-v1 (DESIGN.md section 4) seals with suite 0x0004 and metadata = the clear prefix; its
// vectors double as an independent check that our frames match another implementation's bytes.
TEST(SframeContext, OpensAndReproducesEveryUmbraE2eeV1WireFrame) {
  const auto vectors = load_vectors("e2ee-v1.json");
  ASSERT_FALSE(vectors.at("cases").empty());
  for (const auto& c : vectors.at("cases")) {
    const auto kid = c.at("kid").get<std::uint64_t>();
    const auto ctr = c.at("ctr").get<std::uint64_t>();
    const auto clear = c.at("clear_len").get<std::size_t>();
    const auto frame = unhex(c.at("frame").get<std::string>());
    const auto wire = unhex(c.at("wire").get<std::string>());
    SCOPED_TRACE(c.at("wire").get<std::string>());
    ASSERT_GE(frame.size(), clear);
    const auto prefix = ByteSpan(wire).first(clear);
    const auto payload = ByteSpan(frame).subspan(clear);

    Context ctx(CipherSuite::kAes128GcmSha256_128);
    ctx.add_key(kid, unhex(c.at("base_key").get<std::string>()));
    Bytes out(wire.size());
    const auto opened = ctx.unprotect(prefix, ByteSpan(wire).subspan(clear), out);
    ASSERT_TRUE(opened.ok()) << to_string(opened.error());
    EXPECT_EQ(opened->ctr, ctr);
    EXPECT_EQ(hex(ByteSpan(out).first(opened->size)), hex(payload));

    Bytes sealed(payload.size() + kMaxOverhead);
    const auto n = ctx.protect_with_counter(kid, ctr, prefix, payload, sealed);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(hex(ByteSpan(sealed).first(*n)), hex(ByteSpan(wire).subspan(clear)));
  }
}

constexpr CipherSuite kAllSuites[] = {
    CipherSuite::kAes128CtrHmacSha256_80, CipherSuite::kAes128CtrHmacSha256_64,
    CipherSuite::kAes128CtrHmacSha256_32, CipherSuite::kAes128GcmSha256_128,
    CipherSuite::kAes256GcmSha512_128,    CipherSuite::kAes256CtrHmacSha512_80,
    CipherSuite::kAes256CtrHmacSha512_64, CipherSuite::kAes256CtrHmacSha512_32,
};

const Bytes kBaseKey = unhex("000102030405060708090a0b0c0d0e0f");
const Bytes kMetadata = unhex("0a0b0c");
const Bytes kPlaintext = unhex("48656c6c6f2c20534672616d6521");
constexpr std::uint64_t kKid = 0x1234;

Bytes seal(Context& ctx, std::uint64_t kid, ByteSpan metadata, ByteSpan pt) {
  Bytes frame(pt.size() + kMaxOverhead);
  const auto n = ctx.protect(kid, metadata, pt, frame);
  EXPECT_TRUE(n.ok());
  frame.resize(n.ok() ? *n : 0);
  return frame;
}

class SframeEverySuite : public ::testing::TestWithParam<CipherSuite> {};

TEST_P(SframeEverySuite, RoundTripsWithCountersFromZero) {
  Context sender(GetParam());
  Context receiver(GetParam());
  sender.add_key(kKid, kBaseKey);
  receiver.add_key(kKid, kBaseKey);
  for (std::uint64_t i = 0; i < 3; ++i) {
    const auto frame = seal(sender, kKid, kMetadata, kPlaintext);
    EXPECT_EQ(frame.size(), encoded_size(Header{kKid, i}) + kPlaintext.size() + tag_size(GetParam()));
    Bytes out(frame.size());
    const auto opened = receiver.unprotect(kMetadata, frame, out);
    ASSERT_TRUE(opened.ok()) << to_string(opened.error());
    EXPECT_EQ(opened->ctr, i);
    EXPECT_EQ(Bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(opened->size)), kPlaintext);
  }
}

TEST_P(SframeEverySuite, RefusesEveryTamperedByte) {
  Context sender(GetParam());
  Context receiver(GetParam());
  sender.add_key(kKid, kBaseKey);
  receiver.add_key(kKid, kBaseKey);
  const auto frame = seal(sender, kKid, kMetadata, kPlaintext);
  const std::size_t header_size = decode(frame)->size;
  // Header bytes are skipped: changing them changes KID or CTR (an unknown key, another nonce) or
  // the header's shape; all of those are covered below.
  for (std::size_t i = header_size; i < frame.size(); ++i) {
    Bytes tampered = frame;
    tampered[i] ^= 0x80;
    Bytes out(frame.size());
    const auto opened = receiver.unprotect(kMetadata, tampered, out);
    ASSERT_FALSE(opened.ok()) << i;
    EXPECT_EQ(opened.error(), Error::kAuthenticationFailed) << i;
  }
  // A changed CTR (still a valid header under the same KID) fails the tag too.
  Bytes other_ctr = frame;
  other_ctr[0] ^= 0x01;
  Bytes out(frame.size());
  const auto opened = receiver.unprotect(kMetadata, other_ctr, out);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error(), Error::kAuthenticationFailed);
  // The untouched frame still opens: failures did not move the replay window.
  EXPECT_TRUE(receiver.unprotect(kMetadata, frame, out).ok());
}

TEST_P(SframeEverySuite, RefusesChangedMetadata) {
  Context sender(GetParam());
  Context receiver(GetParam());
  sender.add_key(kKid, kBaseKey);
  receiver.add_key(kKid, kBaseKey);
  const auto frame = seal(sender, kKid, kMetadata, kPlaintext);
  Bytes out(frame.size());
  for (std::size_t i = 0; i < kMetadata.size(); ++i) {
    Bytes metadata = kMetadata;
    metadata[i] ^= 0x01;
    const auto opened = receiver.unprotect(metadata, frame, out);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error(), Error::kAuthenticationFailed);
  }
  EXPECT_FALSE(receiver.unprotect({}, frame, out).ok());
}

TEST_P(SframeEverySuite, RefusesAFrameSealedUnderAnotherBaseKey) {
  Context sender(GetParam());
  Context receiver(GetParam());
  sender.add_key(kKid, unhex("ffffffffffffffffffffffffffffffff"));
  receiver.add_key(kKid, kBaseKey);
  const auto frame = seal(sender, kKid, {}, kPlaintext);
  Bytes out(frame.size());
  const auto opened = receiver.unprotect({}, frame, out);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error(), Error::kAuthenticationFailed);
}

TEST_P(SframeEverySuite, SealsAnEmptyFrame) {
  Context ctx(GetParam());
  ctx.add_key(3, kBaseKey);
  const auto frame = seal(ctx, 3, {}, {});
  EXPECT_EQ(frame.size(), 1 + tag_size(GetParam()));
  Bytes out;
  const auto opened = ctx.unprotect({}, frame, out);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->size, 0u);
}

INSTANTIATE_TEST_SUITE_P(AllSuites, SframeEverySuite, ::testing::ValuesIn(kAllSuites),
                         [](const auto& suite_info) {
                           return "Suite" + std::to_string(static_cast<int>(suite_info.param));
                         });

class SframeReplay : public ::testing::Test {
 protected:
  void SetUp() override {
    sender_.add_key(kKid, kBaseKey);
    receiver_.add_key(kKid, kBaseKey);
  }
  Bytes frame_at(std::uint64_t ctr) {
    Bytes frame(kPlaintext.size() + kMaxOverhead);
    const auto n = sender_.protect_with_counter(kKid, ctr, {}, kPlaintext, frame);
    EXPECT_TRUE(n.ok());
    frame.resize(*n);
    return frame;
  }
  Result<Opened, Error> open(ByteSpan frame) { return receiver_.unprotect({}, frame, out_); }

  Context sender_{CipherSuite::kAes128GcmSha256_128};
  Context receiver_{CipherSuite::kAes128GcmSha256_128};
  Bytes out_ = Bytes(256);
};

TEST_F(SframeReplay, RejectsAReplayedFrame) {
  const auto frame = frame_at(5);
  ASSERT_TRUE(open(frame).ok());
  const auto again = open(frame);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error(), Error::kReplay);
}

TEST_F(SframeReplay, AcceptsReorderedFramesInsideTheWindow) {
  ASSERT_TRUE(open(frame_at(200)).ok());
  EXPECT_TRUE(open(frame_at(199)).ok());
  EXPECT_TRUE(open(frame_at(200 - 127)).ok());
  EXPECT_TRUE(open(frame_at(150)).ok());
}

TEST_F(SframeReplay, SlidingTheWindowDropsFramesThatFellBehind) {
  const auto old = frame_at(10);
  ASSERT_TRUE(open(frame_at(11)).ok());
  ASSERT_TRUE(open(frame_at(10 + 128)).ok());
  const auto late = open(old);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error(), Error::kReplay);
}

TEST_F(SframeReplay, AForgedFrameDoesNotMoveTheWindow) {
  ASSERT_TRUE(open(frame_at(1)).ok());
  const auto genuine = frame_at(1000);
  // An attacker sends CTR 1000 with a broken tag; if that moved the window, CTR 2 would be "too
  // old" and the genuine CTR 1000 a "replay".
  Bytes forged = genuine;
  forged.back() ^= 0x01;
  const auto refused = open(forged);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), Error::kAuthenticationFailed);
  EXPECT_TRUE(open(frame_at(2)).ok());
  EXPECT_TRUE(open(genuine).ok());
}

TEST_F(SframeReplay, AReplayedFrameWithABadTagDoesNotUnmarkOrMoveTheWindow) {
  const auto frame = frame_at(7);
  ASSERT_TRUE(open(frame).ok());
  Bytes forged = frame;
  forged.back() ^= 0x01;
  const auto refused = open(forged);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error(), Error::kReplay);
  EXPECT_EQ(open(frame).error(), Error::kReplay);
  EXPECT_TRUE(open(frame_at(8)).ok());
}

TEST_F(SframeReplay, KeepsAWindowPerKid) {
  sender_.add_key(kKid + 1, kBaseKey);
  receiver_.add_key(kKid + 1, kBaseKey);
  Bytes other(kPlaintext.size() + kMaxOverhead);
  const auto n = sender_.protect_with_counter(kKid + 1, 5, {}, kPlaintext, other);
  ASSERT_TRUE(n.ok());
  other.resize(*n);
  ASSERT_TRUE(open(frame_at(5)).ok());
  EXPECT_TRUE(open(other).ok());
}

TEST_F(SframeReplay, ReAddingAKeyResetsItsWindow) {
  const auto frame = frame_at(3);
  ASSERT_TRUE(open(frame).ok());
  receiver_.add_key(kKid, kBaseKey);
  EXPECT_TRUE(open(frame).ok());
}

TEST(SframeContext, NeverWrapsTheCounter) {
  Context ctx(CipherSuite::kAes128GcmSha256_128);
  ctx.add_key(kKid, kBaseKey);
  Bytes frame(kPlaintext.size() + kMaxOverhead);
  const auto max = std::numeric_limits<std::uint64_t>::max();
  ASSERT_TRUE(ctx.protect_with_counter(kKid, max - 1, {}, kPlaintext, frame).ok());
  const auto last = ctx.protect(kKid, {}, kPlaintext, frame);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(decode(frame)->header.ctr, max);
  const auto next = ctx.protect(kKid, {}, kPlaintext, frame);
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.error(), Error::kCounterExhausted);
  // A new key under the KID starts again from zero.
  ctx.add_key(kKid, kBaseKey);
  ASSERT_TRUE(ctx.protect(kKid, {}, kPlaintext, frame).ok());
  EXPECT_EQ(decode(frame)->header.ctr, 0u);
}

TEST(SframeContext, ProtectNeverReusesAnExplicitCounter) {
  Context ctx(CipherSuite::kAes128GcmSha256_128);
  ctx.add_key(kKid, kBaseKey);
  Bytes frame(kPlaintext.size() + kMaxOverhead);
  ASSERT_TRUE(ctx.protect_with_counter(kKid, 41, {}, kPlaintext, frame).ok());
  ASSERT_TRUE(ctx.protect(kKid, {}, kPlaintext, frame).ok());
  EXPECT_EQ(decode(frame)->header.ctr, 42u);
}

TEST(SframeContext, ReportsAnOutputBufferTooSmall) {
  Context ctx(CipherSuite::kAes128CtrHmacSha256_80);
  ctx.add_key(kKid, kBaseKey);
  const std::size_t needed = encoded_size(Header{kKid, 0}) + kPlaintext.size() + 10;
  Bytes small(needed - 1);
  const auto sealed = ctx.protect(kKid, {}, kPlaintext, small);
  ASSERT_FALSE(sealed.ok());
  EXPECT_EQ(sealed.error(), Error::kBufferTooSmall);

  // The failed call did not use up a counter.
  Bytes frame(needed);
  ASSERT_EQ(*ctx.protect(kKid, {}, kPlaintext, frame), needed);
  EXPECT_EQ(decode(frame)->header.ctr, 0u);

  Bytes out(kPlaintext.size() - 1);
  const auto opened = ctx.unprotect({}, frame, out);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error(), Error::kBufferTooSmall);
  // Not a replay afterwards: the window did not move.
  Bytes enough(kPlaintext.size());
  EXPECT_TRUE(ctx.unprotect({}, frame, enough).ok());
}

TEST(SframeContext, RefusesUnknownKids) {
  Context ctx(CipherSuite::kAes128GcmSha256_128);
  Bytes frame(kPlaintext.size() + kMaxOverhead);
  const auto sealed = ctx.protect(kKid, {}, kPlaintext, frame);
  ASSERT_FALSE(sealed.ok());
  EXPECT_EQ(sealed.error(), Error::kUnknownKey);

  ctx.add_key(kKid, kBaseKey);
  EXPECT_TRUE(ctx.has_key(kKid));
  const auto n = ctx.protect(kKid, {}, kPlaintext, frame);
  ASSERT_TRUE(n.ok());
  frame.resize(*n);
  ctx.remove_key(kKid);
  EXPECT_FALSE(ctx.has_key(kKid));
  Bytes out(frame.size());
  const auto opened = ctx.unprotect({}, frame, out);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error(), Error::kUnknownKey);
}

TEST(SframeContext, RefusesTruncatedFrames) {
  Context ctx(CipherSuite::kAes128CtrHmacSha256_32);
  ctx.add_key(kKid, kBaseKey);
  const auto frame = seal(ctx, kKid, {}, kPlaintext);
  Bytes out(frame.size());
  const std::size_t header_size = decode(frame)->size;
  for (std::size_t n = 0; n < frame.size(); ++n) {
    const auto opened = ctx.unprotect({}, ByteSpan(frame).first(n), out);
    ASSERT_FALSE(opened.ok()) << n;
    // Too short for a header or a tag: malformed; otherwise the tag no longer matches.
    const bool structural = n < header_size + 4;
    EXPECT_EQ(opened.error(), structural ? Error::kMalformedHeader : Error::kAuthenticationFailed) << n;
  }
  EXPECT_TRUE(ctx.unprotect({}, frame, out).ok());
}

TEST(SframeContext, RejectsUnsupportedSuitesAtConstruction) {
  EXPECT_FALSE(is_supported(0));
  EXPECT_FALSE(is_supported(9));
  EXPECT_TRUE(is_supported(4));
  EXPECT_THROW(Context(static_cast<CipherSuite>(0x0009)), std::invalid_argument);
}

TEST(SframeContext, SurvivesAMove) {
  Context a(CipherSuite::kAes128GcmSha256_128);
  a.add_key(kKid, kBaseKey);
  Context b = std::move(a);
  EXPECT_EQ(b.suite(), CipherSuite::kAes128GcmSha256_128);
  const auto frame = seal(b, kKid, {}, kPlaintext);
  Bytes out(frame.size());
  EXPECT_TRUE(b.unprotect({}, frame, out).ok());
}

}  // namespace
}  // namespace umbra::sframe
