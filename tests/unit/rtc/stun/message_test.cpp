#include "rtc/stun/message.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <string>

namespace umbra::rtc::stun {
namespace {

// RFC 5769 section 2: all samples share this short-term password.
constexpr std::string_view kPassword = "VOkJxbRl1RmTxUk/WvJxBt";
constexpr TransactionId kSampleId{0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

// RFC 5769 section 2.1: sample request.
const Bytes kSampleRequest{0x00, 0x01, 0x00, 0x58, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                           0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x10, 0x53, 0x54, 0x55, 0x4e,
                           0x20, 0x74, 0x65, 0x73, 0x74, 0x20, 0x63, 0x6c, 0x69, 0x65, 0x6e, 0x74, 0x00, 0x24,
                           0x00, 0x04, 0x6e, 0x00, 0x01, 0xff, 0x80, 0x29, 0x00, 0x08, 0x93, 0x2f, 0xf9, 0xb1,
                           0x51, 0x26, 0x3b, 0x36, 0x00, 0x06, 0x00, 0x09, 0x65, 0x76, 0x74, 0x6a, 0x3a, 0x68,
                           0x36, 0x76, 0x59, 0x20, 0x20, 0x20, 0x00, 0x08, 0x00, 0x14, 0x9a, 0xea, 0xa7, 0x0c,
                           0xbf, 0xd8, 0xcb, 0x56, 0x78, 0x1e, 0xf2, 0xb5, 0xb2, 0xd3, 0xf2, 0x49, 0xc1, 0xb5,
                           0x71, 0xa2, 0x80, 0x28, 0x00, 0x04, 0xe5, 0x7a, 0x3b, 0xcf};

// RFC 5769 section 2.2: sample IPv4 response (192.0.2.1:32853).
const Bytes kSampleIpv4Response{
    0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
    0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43,
    0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3, 0x8c, 0x74, 0x89, 0xf9,
    0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7, 0x80, 0x28, 0x00, 0x04, 0xc0, 0x7d, 0x4c, 0x96};

// RFC 5769 section 2.3: sample IPv6 response ([2001:db8:1234:5678:11:2233:4455:6677]:32853).
const Bytes kSampleIpv6Response{
    0x01, 0x01, 0x00, 0x48, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6, 0x86,
    0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76, 0x65, 0x63,
    0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x14, 0x00, 0x02, 0xa1, 0x47, 0x01, 0x13, 0xa9, 0xfa,
    0xa5, 0xd3, 0xf1, 0x79, 0xbc, 0x25, 0xf4, 0xb5, 0xbe, 0xd2, 0xb9, 0xd9, 0x00, 0x08, 0x00, 0x14,
    0xa3, 0x82, 0x95, 0x4e, 0x4b, 0xe6, 0x7b, 0xf1, 0x17, 0x84, 0xc9, 0x7c, 0x82, 0x92, 0xc2, 0x75,
    0xbf, 0xe3, 0xed, 0x41, 0x80, 0x28, 0x00, 0x04, 0xc8, 0xfb, 0x0b, 0x4c};

// RFC 5769 section 2.4: request with long-term authentication (NUL padding).
const Bytes kSampleLongTermRequest{
    0x00, 0x01, 0x00, 0x60, 0x21, 0x12, 0xa4, 0x42, 0x78, 0xad, 0x34, 0x33, 0xc6, 0xad, 0x72, 0xc0, 0x29,
    0xda, 0x41, 0x2e, 0x00, 0x06, 0x00, 0x12, 0xe3, 0x83, 0x9e, 0xe3, 0x83, 0x88, 0xe3, 0x83, 0xaa, 0xe3,
    0x83, 0x83, 0xe3, 0x82, 0xaf, 0xe3, 0x82, 0xb9, 0x00, 0x00, 0x00, 0x15, 0x00, 0x1c, 0x66, 0x2f, 0x2f,
    0x34, 0x39, 0x39, 0x6b, 0x39, 0x35, 0x34, 0x64, 0x36, 0x4f, 0x4c, 0x33, 0x34, 0x6f, 0x4c, 0x39, 0x46,
    0x53, 0x54, 0x76, 0x79, 0x36, 0x34, 0x73, 0x41, 0x00, 0x14, 0x00, 0x0b, 0x65, 0x78, 0x61, 0x6d, 0x70,
    0x6c, 0x65, 0x2e, 0x6f, 0x72, 0x67, 0x00, 0x00, 0x08, 0x00, 0x14, 0xf6, 0x70, 0x24, 0x65, 0x6d, 0xd6,
    0x4a, 0x3e, 0x02, 0xb8, 0xe0, 0x71, 0x2e, 0x85, 0xc9, 0xa2, 0x8c, 0xa8, 0x96, 0x66};

const Address kSampleIpv4 = Address::ipv4({192, 0, 2, 1}, 32853);
const Address kSampleIpv6 = Address::ipv6(
    {0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77}, 32853);

StunMessage parse_ok(ByteSpan bytes) {
  auto m = StunMessage::parse(bytes);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error());
  return std::move(m).value();
}

Bytes to_bytes(ByteSpan s) {
  return Bytes(s.begin(), s.end());
}

TEST(StunMessage, ParsesRfc5769RequestAndVerifiesIt) {
  const auto m = parse_ok(kSampleRequest);
  EXPECT_EQ(m.message_class(), MessageClass::kRequest);
  EXPECT_EQ(m.method(), kMethodBinding);
  EXPECT_EQ(m.transaction_id(), kSampleId);
  EXPECT_EQ(m.username(), "evtj:h6vY");
  EXPECT_EQ(m.software(), "STUN test client");
  EXPECT_EQ(m.priority(), 0x6e0001ffu);
  EXPECT_EQ(m.ice_controlled(), 0x932ff9b151263b36u);
  EXPECT_FALSE(m.ice_controlling());
  EXPECT_FALSE(m.use_candidate());
  EXPECT_EQ(m.check_integrity(as_bytes(kPassword)), IntegrityCheck::kOk);
  EXPECT_TRUE(m.check_fingerprint());
}

TEST(StunMessage, BuilderReproducesRfc5769RequestByteForByte) {
  StunMessage m(MessageClass::kRequest, kMethodBinding, kSampleId, 0x20);
  m.add_software("STUN test client");
  m.add_priority(0x6e0001ff);
  m.add_ice_controlled(0x932ff9b151263b36);
  m.add_username("evtj:h6vY");
  m.add_message_integrity(as_bytes(kPassword));
  m.add_fingerprint();
  EXPECT_EQ(to_bytes(m.bytes()), kSampleRequest);
}

TEST(StunMessage, ParsesRfc5769Ipv4ResponseAndVerifiesIt) {
  const auto m = parse_ok(kSampleIpv4Response);
  EXPECT_EQ(m.message_class(), MessageClass::kSuccessResponse);
  EXPECT_EQ(m.software(), "test vector");
  EXPECT_EQ(m.xor_mapped_address(), kSampleIpv4);
  EXPECT_EQ(m.check_integrity(as_bytes(kPassword)), IntegrityCheck::kOk);
  EXPECT_TRUE(m.check_fingerprint());
}

TEST(StunMessage, BuilderReproducesRfc5769Ipv4ResponseByteForByte) {
  StunMessage m(MessageClass::kSuccessResponse, kMethodBinding, kSampleId, 0x20);
  m.add_software("test vector");
  m.add_xor_mapped_address(kSampleIpv4);
  m.add_message_integrity(as_bytes(kPassword));
  m.add_fingerprint();
  EXPECT_EQ(to_bytes(m.bytes()), kSampleIpv4Response);
}

TEST(StunMessage, ParsesRfc5769Ipv6ResponseAndVerifiesIt) {
  const auto m = parse_ok(kSampleIpv6Response);
  EXPECT_EQ(m.xor_mapped_address(), kSampleIpv6);
  EXPECT_EQ(m.check_integrity(as_bytes(kPassword)), IntegrityCheck::kOk);
  EXPECT_TRUE(m.check_fingerprint());
}

TEST(StunMessage, BuilderReproducesRfc5769Ipv6ResponseByteForByte) {
  StunMessage m(MessageClass::kSuccessResponse, kMethodBinding, kSampleId, 0x20);
  m.add_software("test vector");
  m.add_xor_mapped_address(kSampleIpv6);
  m.add_message_integrity(as_bytes(kPassword));
  m.add_fingerprint();
  EXPECT_EQ(to_bytes(m.bytes()), kSampleIpv6Response);
}

Bytes md5(std::string_view s) {
  Bytes out(16);
  unsigned int n = 0;
  EVP_Digest(s.data(), s.size(), out.data(), &n, EVP_md5(), nullptr);
  return out;
}

TEST(StunMessage, VerifiesRfc5769LongTermRequestWithMd5Key) {
  const auto m = parse_ok(kSampleLongTermRequest);
  const std::string username = "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9";
  EXPECT_EQ(m.username(), username);
  // RFC 8489 section 9.2.2: key = MD5(username ":" realm ":" SASLprep(password)).
  const Bytes key = md5(username + ":example.org:TheMatrIX");
  EXPECT_EQ(m.check_integrity(key), IntegrityCheck::kOk);
  EXPECT_EQ(m.check_integrity(md5(username + ":example.org:WrongPass")), IntegrityCheck::kMismatch);
  EXPECT_FALSE(m.check_fingerprint());  // the sample has none

  StunMessage built(MessageClass::kRequest, kMethodBinding,
                    {0x78, 0xad, 0x34, 0x33, 0xc6, 0xad, 0x72, 0xc0, 0x29, 0xda, 0x41, 0x2e});
  built.add_username(username);
  built.add_attribute(attr::kNonce, as_bytes("f//499k954d6OL34oL9FSTvy64sA"));
  built.add_attribute(attr::kRealm, as_bytes("example.org"));
  built.add_message_integrity(key);
  EXPECT_EQ(to_bytes(built.bytes()), kSampleLongTermRequest);
}

TEST(StunMessage, RejectsWrongPassword) {
  const auto m = parse_ok(kSampleRequest);
  EXPECT_EQ(m.check_integrity(as_bytes("VOkJxbRl1RmTxUk/WvJxBu")), IntegrityCheck::kMismatch);
}

TEST(StunMessage, ReportsMissingIntegrity) {
  StunMessage m(MessageClass::kRequest, kMethodBinding, kSampleId);
  m.add_username("a:b");
  const auto parsed = parse_ok(m.bytes());
  EXPECT_EQ(parsed.check_integrity(as_bytes(kPassword)), IntegrityCheck::kMissing);
  EXPECT_FALSE(parsed.check_fingerprint());
}

TEST(StunMessage, RejectsTamperingAnywhereCoveredByIntegrity) {
  // Flip one bit in every byte before MESSAGE-INTEGRITY's value (except the length field,
  // which parse() checks itself): integrity must fail each time.
  for (std::size_t i = 0; i < 80; ++i) {
    if (i == 2 || i == 3) continue;
    Bytes tampered = kSampleRequest;
    tampered[i] ^= 0x01;
    const auto m = StunMessage::parse(tampered);
    if (!m.ok()) continue;  // the flip broke the framing itself: rejected either way
    EXPECT_NE(m->check_integrity(as_bytes(kPassword)), IntegrityCheck::kOk) << "byte " << i;
    EXPECT_FALSE(m->check_fingerprint()) << "byte " << i;
  }
}

TEST(StunMessage, RejectsFingerprintMismatch) {
  Bytes tampered = kSampleRequest;
  tampered.back() ^= 0x80;
  const auto m = parse_ok(tampered);
  EXPECT_FALSE(m.check_fingerprint());
  EXPECT_EQ(m.check_integrity(as_bytes(kPassword)), IntegrityCheck::kOk);  // not covered by MI
}

TEST(StunMessage, RejectsEveryTruncation) {
  for (std::size_t n = 0; n < kSampleRequest.size(); ++n) {
    EXPECT_FALSE(StunMessage::parse(ByteSpan(kSampleRequest).first(n)).ok()) << "length " << n;
  }
}

TEST(StunMessage, RejectsHeaderLengthThatLies) {
  Bytes longer = kSampleRequest;
  longer[3] = 0x5c;  // claims 4 more bytes than the datagram has
  EXPECT_FALSE(StunMessage::parse(longer).ok());
  Bytes shorter = kSampleRequest;
  shorter[3] = 0x54;  // claims 4 fewer: FINGERPRINT would overrun
  EXPECT_FALSE(StunMessage::parse(shorter).ok());
  Bytes unaligned = kSampleRequest;
  unaligned[3] = 0x57;
  EXPECT_FALSE(StunMessage::parse(unaligned).ok());
}

TEST(StunMessage, RejectsAttributeLengthPastTheEnd) {
  Bytes bad = kSampleRequest;
  bad[23] = 0x60;  // SOFTWARE claims 96 bytes
  EXPECT_FALSE(StunMessage::parse(bad).ok());
}

TEST(StunMessage, RejectsBadMagicCookieAndLeadingBits) {
  Bytes cookie = kSampleRequest;
  cookie[4] = 0x22;
  EXPECT_FALSE(StunMessage::parse(cookie).ok());
  Bytes bits = kSampleRequest;
  bits[0] = 0x40;
  EXPECT_FALSE(StunMessage::parse(bits).ok());
}

TEST(StunMessage, RejectsAttributeAfterFingerprint) {
  StunMessage m(MessageClass::kRequest, kMethodBinding, kSampleId);
  m.add_fingerprint();
  m.add_use_candidate();
  EXPECT_FALSE(StunMessage::parse(m.bytes()).ok());
}

TEST(StunMessage, IgnoresAttributesAfterMessageIntegrity) {
  StunMessage m(MessageClass::kRequest, kMethodBinding, kSampleId);
  m.add_username("a:b");
  m.add_message_integrity(as_bytes("pw"));
  m.add_use_candidate();  // an attacker could append this without the key
  m.add_fingerprint();
  const auto parsed = parse_ok(m.bytes());
  EXPECT_FALSE(parsed.use_candidate());
  EXPECT_EQ(parsed.check_integrity(as_bytes("pw")), IntegrityCheck::kOk);
  EXPECT_TRUE(parsed.check_fingerprint());
}

TEST(StunMessage, RoundTripsIceCheckAttributes) {
  StunMessage m(MessageClass::kRequest, kMethodBinding, kSampleId);
  m.add_username("remote:local");
  m.add_priority(1853824767);
  m.add_ice_controlling(0x0102030405060708);
  m.add_use_candidate();
  m.add_message_integrity(as_bytes("password"));
  m.add_message_integrity_sha256(as_bytes("password"));
  m.add_fingerprint();
  const auto parsed = parse_ok(m.bytes());
  EXPECT_EQ(parsed.username(), "remote:local");
  EXPECT_EQ(parsed.priority(), 1853824767u);
  EXPECT_EQ(parsed.ice_controlling(), 0x0102030405060708u);
  EXPECT_TRUE(parsed.use_candidate());
  EXPECT_EQ(parsed.check_integrity(as_bytes("password")), IntegrityCheck::kOk);
  EXPECT_EQ(parsed.check_integrity_sha256(as_bytes("password")), IntegrityCheck::kOk);
  EXPECT_EQ(parsed.check_integrity_sha256(as_bytes("passwore")), IntegrityCheck::kMismatch);
  EXPECT_TRUE(parsed.check_fingerprint());
  EXPECT_EQ(to_bytes(parsed.bytes()), to_bytes(m.bytes()));
}

TEST(StunMessage, RoundTripsErrorCode) {
  StunMessage m(MessageClass::kErrorResponse, kMethodBinding, kSampleId);
  m.add_error_code(487, "Role Conflict");
  const auto parsed = parse_ok(m.bytes());
  EXPECT_EQ(parsed.message_class(), MessageClass::kErrorResponse);
  EXPECT_EQ(parsed.method(), kMethodBinding);
  ASSERT_TRUE(parsed.error_code());
  EXPECT_EQ(parsed.error_code()->code, 487);
  EXPECT_EQ(parsed.error_code()->reason, "Role Conflict");
  EXPECT_EQ(m.bytes()[0], 0x01);
  EXPECT_EQ(m.bytes()[1], 0x11);  // RFC 8489 section 5: binding error response is 0x0111
}

TEST(StunMessage, EncodesClassAndMethodBitsInterleaved) {
  const StunMessage indication(MessageClass::kIndication, kMethodBinding, kSampleId);
  EXPECT_EQ(load_be16(indication.bytes().data()), 0x0011);
  const StunMessage allocate_ok(MessageClass::kSuccessResponse, 0x003, kSampleId);
  EXPECT_EQ(load_be16(allocate_ok.bytes().data()), 0x0103);
  const auto parsed = parse_ok(allocate_ok.bytes());
  EXPECT_EQ(parsed.method(), 0x003);
  EXPECT_EQ(parsed.message_class(), MessageClass::kSuccessResponse);
}

}  // namespace
}  // namespace umbra::rtc::stun
