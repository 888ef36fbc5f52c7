#include "rtc/stun/message.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>

#include "common/byte_reader.h"
#include "crypto/hash.h"
#include "crypto/hmac.h"

namespace umbra::rtc::stun {
namespace {

constexpr std::size_t kSha1Size = 20;
constexpr std::size_t kSha256Size = 32;

constexpr std::size_t padded(std::size_t n) {
  return (n + 3) & ~std::size_t{3};
}

// RFC 8489 section 5: M11..M7 C1 M6..M4 C0 M3..M0.
std::uint16_t encode_type(MessageClass cls, std::uint16_t method) {
  const auto c = static_cast<unsigned>(cls);
  return static_cast<std::uint16_t>(((method & 0xF80u) << 2) | ((method & 0x070u) << 1) | (method & 0x00Fu) |
                                    ((c & 2u) << 7) | ((c & 1u) << 4));
}

std::uint32_t crc32_of(ByteSpan data) {
  uLong crc = ::crc32(0L, Z_NULL, 0);
  crc = ::crc32(crc, data.data(), static_cast<uInt>(data.size()));
  return static_cast<std::uint32_t>(crc);
}

}  // namespace

Address Address::ipv4(std::array<std::uint8_t, 4> a, std::uint16_t port) {
  Address out;
  out.family = Family::kIpv4;
  std::copy(a.begin(), a.end(), out.ip.begin());
  out.port = port;
  return out;
}

Address Address::ipv6(const std::array<std::uint8_t, 16>& a, std::uint16_t port) {
  Address out;
  out.family = Family::kIpv6;
  out.ip = a;
  out.port = port;
  return out;
}

bool Address::operator==(const Address& o) const {
  return family == o.family && port == o.port && std::equal(ip.begin(), ip.begin() + ip_size(), o.ip.begin());
}

StunMessage::StunMessage(MessageClass cls, std::uint16_t method, const TransactionId& id,
                         std::uint8_t padding_byte)
    : class_(cls),
      method_(method & 0xFFF),
      transaction_id_(id),
      padding_byte_(padding_byte),
      raw_(kHeaderSize) {
  store_be16(raw_.data(), encode_type(cls, method_));
  store_be16(raw_.data() + 2, 0);
  store_be32(raw_.data() + 4, kMagicCookie);
  std::copy(id.begin(), id.end(), raw_.begin() + 8);
}

Parsed<StunMessage> StunMessage::parse(ByteSpan datagram) {
  ByteReader r(datagram);
  const auto type = r.u16();
  const auto length = r.u16();
  const auto cookie = r.u32();
  const auto id = r.bytes(12);
  if (!type || !length || !cookie || !id) return err("stun: shorter than a header");
  if ((*type & 0xC000) != 0) return err("stun: leading bits not zero");
  if (*cookie != kMagicCookie) return err("stun: bad magic cookie");
  if ((*length & 3) != 0) return err("stun: length not a multiple of 4");
  if (kHeaderSize + *length != datagram.size()) return err("stun: length does not match datagram");

  StunMessage m;
  const unsigned t = *type;
  m.method_ = static_cast<std::uint16_t>(((t & 0x3E00u) >> 2) | ((t & 0x00E0u) >> 1) | (t & 0x000Fu));
  m.class_ = static_cast<MessageClass>(((t & 0x0100u) >> 7) | ((t & 0x0010u) >> 4));
  std::copy(id->begin(), id->end(), m.transaction_id_.begin());
  m.raw_.assign(datagram.begin(), datagram.end());

  bool seen_integrity = false;
  bool seen_fingerprint = false;
  while (!r.empty()) {
    const auto attr_type = r.u16();
    const auto attr_length = r.u16();
    if (!attr_type || !attr_length) return err("stun: truncated attribute header");
    const auto offset = r.position();
    if (!r.skip(padded(*attr_length))) return err("stun: attribute overruns message");
    if (seen_fingerprint) return err("stun: attribute after FINGERPRINT");
    if (*attr_type == attr::kFingerprint) {
      if (*attr_length != 4) return err("stun: FINGERPRINT not 4 bytes");
      seen_fingerprint = true;
    }
    if (seen_integrity && *attr_type != attr::kFingerprint && *attr_type != attr::kMessageIntegritySha256) {
      continue;  // RFC 8489 section 14.5: ignored, not covered by the integrity check.
    }
    if (*attr_type == attr::kMessageIntegrity || *attr_type == attr::kMessageIntegritySha256) {
      seen_integrity = true;
    }
    m.attributes_.push_back({*attr_type, static_cast<std::uint32_t>(offset), *attr_length});
  }
  return m;
}

std::optional<StunMessage::Attribute> StunMessage::find(std::uint16_t type) const {
  for (const auto& a : attributes_) {
    if (a.type == type) return a;
  }
  return std::nullopt;
}

std::optional<ByteSpan> StunMessage::attribute(std::uint16_t type) const {
  const auto a = find(type);
  if (!a) return std::nullopt;
  return ByteSpan(raw_).subspan(a->offset, a->length);
}

std::optional<std::string_view> StunMessage::username() const {
  const auto v = attribute(attr::kUsername);
  if (!v) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(v->data()), v->size());
}

std::optional<std::string_view> StunMessage::software() const {
  const auto v = attribute(attr::kSoftware);
  if (!v) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(v->data()), v->size());
}

std::optional<std::uint32_t> StunMessage::priority() const {
  const auto v = attribute(attr::kPriority);
  if (!v || v->size() != 4) return std::nullopt;
  return load_be32(v->data());
}

std::optional<std::uint64_t> StunMessage::u64_attribute(std::uint16_t type) const {
  const auto v = attribute(type);
  if (!v || v->size() != 8) return std::nullopt;
  return ByteReader(*v).uint(8);
}

std::optional<std::uint64_t> StunMessage::ice_controlling() const {
  return u64_attribute(attr::kIceControlling);
}
std::optional<std::uint64_t> StunMessage::ice_controlled() const {
  return u64_attribute(attr::kIceControlled);
}

std::optional<Address> StunMessage::xor_mapped_address() const {
  const auto v = attribute(attr::kXorMappedAddress);
  if (!v || v->size() < 4) return std::nullopt;
  const std::uint8_t family = (*v)[1];
  Address a;
  // RFC 8489 section 14.2: the port is XORed with the cookie's top half, the address with
  // the cookie (IPv4) or the cookie followed by the transaction id (IPv6).
  a.port = static_cast<std::uint16_t>(load_be16(v->data() + 2) ^ (kMagicCookie >> 16));
  std::array<std::uint8_t, 16> mask{};
  store_be32(mask.data(), kMagicCookie);
  std::copy(transaction_id_.begin(), transaction_id_.end(), mask.begin() + 4);
  if (family == static_cast<std::uint8_t>(Address::Family::kIpv4)) {
    if (v->size() != 8) return std::nullopt;
    a.family = Address::Family::kIpv4;
  } else if (family == static_cast<std::uint8_t>(Address::Family::kIpv6)) {
    if (v->size() != 20) return std::nullopt;
    a.family = Address::Family::kIpv6;
  } else {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < a.ip_size(); ++i) a.ip[i] = static_cast<std::uint8_t>((*v)[4 + i] ^ mask[i]);
  return a;
}

std::optional<ErrorCode> StunMessage::error_code() const {
  const auto v = attribute(attr::kErrorCode);
  if (!v || v->size() < 4) return std::nullopt;
  // RFC 8489 section 14.8: 21 reserved bits, a 3-bit class (hundreds), an 8-bit number.
  const int cls = (*v)[2] & 0x07;
  const int number = (*v)[3];
  if (cls < 3 || cls > 6 || number > 99) return std::nullopt;
  ErrorCode e;
  e.code = cls * 100 + number;
  e.reason.assign(reinterpret_cast<const char*>(v->data()) + 4, v->size() - 4);
  return e;
}

namespace {

// HMAC over the message up to the integrity attribute's header, with the header length
// pointing at the end of that attribute (RFC 8489 sections 14.5 and 14.6).
bool integrity_matches(crypto::Hash hash, ByteSpan raw, const StunMessage::Attribute& a, ByteSpan key) {
  const std::size_t header_at = a.offset - 4;
  std::array<std::uint8_t, kHeaderSize> header{};
  std::copy_n(raw.begin(), kHeaderSize, header.begin());
  store_be16(header.data() + 2, static_cast<std::uint16_t>(a.offset + padded(a.length) - kHeaderSize));
  const crypto::Hmac mac(hash, key);
  std::array<std::uint8_t, kSha256Size> expected{};
  mac.compute({ByteSpan(header), raw.subspan(kHeaderSize, header_at - kHeaderSize)}, expected);
  return crypto::equal_constant_time(ByteSpan(expected).first(a.length), raw.subspan(a.offset, a.length));
}

}  // namespace

IntegrityCheck StunMessage::check_integrity(ByteSpan key) const {
  const auto a = find(attr::kMessageIntegrity);
  if (!a) return IntegrityCheck::kMissing;
  if (a->length != kSha1Size) return IntegrityCheck::kMismatch;
  return integrity_matches(crypto::Hash::kSha1, raw_, *a, key) ? IntegrityCheck::kOk
                                                               : IntegrityCheck::kMismatch;
}

IntegrityCheck StunMessage::check_integrity_sha256(ByteSpan key) const {
  const auto a = find(attr::kMessageIntegritySha256);
  if (!a) return IntegrityCheck::kMissing;
  if (a->length < 16 || a->length > kSha256Size || (a->length & 3) != 0) return IntegrityCheck::kMismatch;
  return integrity_matches(crypto::Hash::kSha256, raw_, *a, key) ? IntegrityCheck::kOk
                                                                 : IntegrityCheck::kMismatch;
}

bool StunMessage::check_fingerprint() const {
  const auto a = find(attr::kFingerprint);
  if (!a || a->length != 4) return false;
  const std::uint32_t expected = crc32_of(ByteSpan(raw_).first(a->offset - 4u)) ^ kFingerprintXor;
  return load_be32(raw_.data() + a->offset) == expected;
}

void StunMessage::set_length(std::size_t body_length) {
  store_be16(raw_.data() + 2, static_cast<std::uint16_t>(body_length));
}

void StunMessage::add_attribute(std::uint16_t type, ByteSpan value) {
  const std::size_t at = raw_.size();
  const std::size_t length = std::min<std::size_t>(value.size(), 0xFFFF);
  raw_.resize(at + 4 + padded(length), padding_byte_);
  store_be16(raw_.data() + at, type);
  store_be16(raw_.data() + at + 2, static_cast<std::uint16_t>(length));
  std::copy_n(value.begin(), length, raw_.begin() + static_cast<std::ptrdiff_t>(at + 4));
  set_length(raw_.size() - kHeaderSize);
  attributes_.push_back({type, static_cast<std::uint32_t>(at + 4), static_cast<std::uint16_t>(length)});
}

void StunMessage::add_username(std::string_view username) {
  add_attribute(attr::kUsername, as_bytes(username));
}
void StunMessage::add_software(std::string_view software) {
  add_attribute(attr::kSoftware, as_bytes(software));
}

void StunMessage::add_priority(std::uint32_t priority) {
  std::array<std::uint8_t, 4> v{};
  store_be32(v.data(), priority);
  add_attribute(attr::kPriority, v);
}

void StunMessage::add_use_candidate() {
  add_attribute(attr::kUseCandidate, {});
}

void StunMessage::add_ice_controlling(std::uint64_t tie_breaker) {
  std::array<std::uint8_t, 8> v{};
  store_be64(v.data(), tie_breaker);
  add_attribute(attr::kIceControlling, v);
}

void StunMessage::add_ice_controlled(std::uint64_t tie_breaker) {
  std::array<std::uint8_t, 8> v{};
  store_be64(v.data(), tie_breaker);
  add_attribute(attr::kIceControlled, v);
}

void StunMessage::add_xor_mapped_address(const Address& address) {
  std::array<std::uint8_t, 20> v{};
  v[1] = static_cast<std::uint8_t>(address.family);
  store_be16(v.data() + 2, static_cast<std::uint16_t>(address.port ^ (kMagicCookie >> 16)));
  std::array<std::uint8_t, 16> mask{};
  store_be32(mask.data(), kMagicCookie);
  std::copy(transaction_id_.begin(), transaction_id_.end(), mask.begin() + 4);
  for (std::size_t i = 0; i < address.ip_size(); ++i)
    v[4 + i] = static_cast<std::uint8_t>(address.ip[i] ^ mask[i]);
  add_attribute(attr::kXorMappedAddress, ByteSpan(v).first(4 + address.ip_size()));
}

void StunMessage::add_error_code(int code, std::string_view reason) {
  Bytes v(4);
  v[2] = static_cast<std::uint8_t>((code / 100) & 0x07);
  v[3] = static_cast<std::uint8_t>(code % 100);
  v.insert(v.end(), reason.begin(), reason.end());
  add_attribute(attr::kErrorCode, v);
}

void StunMessage::add_message_integrity(ByteSpan key) {
  // The length covers the attribute about to be appended (RFC 8489 section 14.5).
  const std::size_t header_at = raw_.size();
  set_length(header_at + 4 + kSha1Size - kHeaderSize);
  std::array<std::uint8_t, kSha1Size> tag{};
  crypto::Hmac(crypto::Hash::kSha1, key).compute(ByteSpan(raw_), tag);
  add_attribute(attr::kMessageIntegrity, tag);
}

void StunMessage::add_message_integrity_sha256(ByteSpan key) {
  const std::size_t header_at = raw_.size();
  set_length(header_at + 4 + kSha256Size - kHeaderSize);
  std::array<std::uint8_t, kSha256Size> tag{};
  crypto::Hmac(crypto::Hash::kSha256, key).compute(ByteSpan(raw_), tag);
  add_attribute(attr::kMessageIntegritySha256, tag);
}

void StunMessage::add_fingerprint() {
  set_length(raw_.size() + 8 - kHeaderSize);
  std::array<std::uint8_t, 4> v{};
  store_be32(v.data(), crc32_of(raw_) ^ kFingerprintXor);
  add_attribute(attr::kFingerprint, v);
}

}  // namespace umbra::rtc::stun
