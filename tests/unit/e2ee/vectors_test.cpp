// Every case of tests/vectors/e2ee-v1.json (DESIGN.md section 4), shared with the browser client.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "common/hex.h"
#include "e2ee/clear_prefix.h"
#include "e2ee/frame.h"
#include "e2ee/key_ring.h"
#include "e2ee/kid.h"
#include "session_secret_cache.h"
#include "support/vectors.h"

namespace umbra::e2ee {
namespace {

using testing::cached_session_secret;
using umbra::testing::load_vectors;
using umbra::testing::unhex;

const nlohmann::json& vectors() {
  static const nlohmann::json v = load_vectors("e2ee-v1.json");
  return v;
}

class E2eeVector : public ::testing::TestWithParam<std::size_t> {
 protected:
  const nlohmann::json& c() const { return vectors()["cases"][GetParam()]; }
  const SessionSecret& secret() const {
    return cached_session_secret(c()["secret"].get<std::string>(), c()["session_id"].get<std::string>());
  }
  Codec codec() const { return *parse_codec(c()["codec"].get<std::string>()); }
  std::uint64_t kid() const { return c()["kid"].get<std::uint64_t>(); }
};

TEST_P(E2eeVector, DerivesTheSessionSecret) {
  EXPECT_EQ(hex_encode(secret().bytes()), c()["session_secret"].get<std::string>());
}

TEST_P(E2eeVector, DerivesTheKeyCheck) {
  EXPECT_EQ(secret().key_check(), c()["key_check"].get<std::uint16_t>());
}

TEST_P(E2eeVector, LaysOutTheKidFromKeyCheckAndSender) {
  const auto sender = c()["sender"].get<std::uint64_t>();
  EXPECT_EQ(make_kid(secret().key_check(), sender), kid());
  EXPECT_EQ(kid_key_check(kid()), secret().key_check());
  EXPECT_EQ(kid_sender(kid()), sender);
}

TEST_P(E2eeVector, DerivesTheSenderBaseKey) {
  EXPECT_EQ(hex_encode(secret().base_key(kid())), c()["base_key"].get<std::string>());
}

TEST_P(E2eeVector, DerivesTheVerificationCode) {
  EXPECT_EQ(secret().verification_code(), c()["verification_code"].get<std::string>());
}

TEST_P(E2eeVector, KeepsTheCodecPrefixInTheClear) {
  const auto frame = unhex(c()["frame"].get<std::string>());
  const auto prefix = clear_prefix_size(codec(), frame);
  ASSERT_TRUE(prefix);
  EXPECT_EQ(*prefix, c()["clear_len"].get<std::size_t>());
}

TEST_P(E2eeVector, SealsTheFrameToTheWireBytes) {
  const auto frame = unhex(c()["frame"].get<std::string>());
  sframe::Context ctx(kCipherSuite);
  ctx.add_key(kid(), secret().base_key(kid()));
  Bytes wire(frame.size() + kMaxWireOverhead);
  const auto size =
      seal_frame_with_counter(ctx, kid(), c()["ctr"].get<std::uint64_t>(), codec(), frame, wire);
  ASSERT_TRUE(size) << to_string(size.error());
  wire.resize(*size);
  EXPECT_EQ(hex_encode(wire), c()["wire"].get<std::string>());
}

TEST_P(E2eeVector, KeyRingOpensTheWireBytesBackToTheFrame) {
  const auto wire = unhex(c()["wire"].get<std::string>());
  KeyRing ring(c()["session_id"].get<std::string>());
  ring.set_session_secret(secret(), TimePoint{});
  Bytes frame(wire.size());
  const auto size = ring.open(codec(), wire, frame, TimePoint{});
  ASSERT_TRUE(size) << to_string(size.error());
  frame.resize(*size);
  EXPECT_EQ(hex_encode(frame), c()["frame"].get<std::string>());
}

INSTANTIATE_TEST_SUITE_P(AllCases, E2eeVector, ::testing::Range(std::size_t{0}, vectors()["cases"].size()));

TEST(E2eeVectors, NfdSecretGivesTheSameSessionSecretAsItsNfcForm) {
  const auto& nfc = vectors()["nfc"];
  const auto& same = vectors()["cases"][nfc["same_session_secret_as_case_index"].get<std::size_t>()];
  const auto nfd_secret = nfc["secret_nfd"].get<std::string>();
  ASSERT_NE(nfd_secret, same["secret"].get<std::string>());  // the bytes really differ
  const auto& derived = cached_session_secret(nfd_secret, same["session_id"].get<std::string>());
  EXPECT_EQ(hex_encode(derived.bytes()), same["session_secret"].get<std::string>());
}

TEST(E2eeVectors, MalformedVp8FramesAreRefusedNotSentInTheClear) {
  const SessionSecret& secret = cached_session_secret("correct horse battery", "session-1");
  const std::uint64_t kid = make_kid(secret.key_check(), 1);
  sframe::Context ctx(kCipherSuite);
  ctx.add_key(kid, secret.base_key(kid));
  for (const auto& hex : vectors()["malformed_vp8_frames"]) {
    const auto frame = unhex(hex.get<std::string>());
    SCOPED_TRACE(hex.get<std::string>());
    const auto prefix = clear_prefix_size(Codec::kVp8, frame);
    ASSERT_FALSE(prefix);
    EXPECT_EQ(prefix.error(), Error::kMalformedFrame);
    Bytes wire(frame.size() + kMaxWireOverhead);
    const auto sealed = seal_frame(ctx, kid, Codec::kVp8, frame, wire);
    ASSERT_FALSE(sealed);
    EXPECT_EQ(sealed.error(), Error::kMalformedFrame);
  }
}

}  // namespace
}  // namespace umbra::e2ee
