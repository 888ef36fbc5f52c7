// A STUN message (RFC 8489, RFC 5389) as the bytes on the wire plus an index of its attributes.
//
// The message is always backed by its serialized form, as in Pion: parse() copies the datagram
// and indexes it, and the add_* builders append attributes (with padding) and keep the header
// length current. So a parsed and a built message are the same thing, MESSAGE-INTEGRITY and
// FINGERPRINT are computed over exactly the bytes that go out, and bytes() is ready to send.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/result.h"

namespace umbra::rtc::stun {

template <class T>
using Parsed = Result<T, std::string_view>;

inline constexpr std::size_t kHeaderSize = 20;
inline constexpr std::uint32_t kMagicCookie = 0x2112A442;
// RFC 8489 section 14.7: CRC-32 of the message XORed with "STUN".
inline constexpr std::uint32_t kFingerprintXor = 0x5354554e;

// RFC 8489 section 5: the two class bits interleaved into the message type.
enum class MessageClass : std::uint8_t {
  kRequest = 0,
  kIndication = 1,
  kSuccessResponse = 2,
  kErrorResponse = 3
};

inline constexpr std::uint16_t kMethodBinding = 0x001;

// Attribute types (RFC 8489 section 18.3, RFC 8445 section 16.1 for the ICE ones).
namespace attr {
inline constexpr std::uint16_t kMappedAddress = 0x0001;
inline constexpr std::uint16_t kUsername = 0x0006;
inline constexpr std::uint16_t kMessageIntegrity = 0x0008;
inline constexpr std::uint16_t kErrorCode = 0x0009;
inline constexpr std::uint16_t kUnknownAttributes = 0x000A;
inline constexpr std::uint16_t kRealm = 0x0014;
inline constexpr std::uint16_t kNonce = 0x0015;
inline constexpr std::uint16_t kMessageIntegritySha256 = 0x001C;
inline constexpr std::uint16_t kXorMappedAddress = 0x0020;
inline constexpr std::uint16_t kPriority = 0x0024;
inline constexpr std::uint16_t kUseCandidate = 0x0025;
inline constexpr std::uint16_t kSoftware = 0x8022;
inline constexpr std::uint16_t kFingerprint = 0x8028;
inline constexpr std::uint16_t kIceControlled = 0x8029;
inline constexpr std::uint16_t kIceControlling = 0x802A;
}  // namespace attr

using TransactionId = std::array<std::uint8_t, 12>;

// A transport address as STUN carries it. IPv4 uses the first 4 bytes of ip.
struct Address {
  enum class Family : std::uint8_t { kIpv4 = 0x01, kIpv6 = 0x02 };
  Family family = Family::kIpv4;
  std::array<std::uint8_t, 16> ip{};
  std::uint16_t port = 0;

  static Address ipv4(std::array<std::uint8_t, 4> a, std::uint16_t port);
  static Address ipv6(const std::array<std::uint8_t, 16>& a, std::uint16_t port);
  std::size_t ip_size() const { return family == Family::kIpv4 ? 4 : 16; }
  bool operator==(const Address& o) const;
};

struct ErrorCode {
  int code = 0;  // 300..699
  std::string reason;
};

enum class IntegrityCheck { kOk, kMissing, kMismatch };

class StunMessage {
 public:
  struct Attribute {
    std::uint16_t type;
    std::uint32_t offset;  // of the value, from the start of the message
    std::uint16_t length;  // unpadded
  };

  // Validates the header (leading zero bits, magic cookie, length a multiple of 4 that matches
  // the datagram exactly) and every attribute length. FINGERPRINT must be last. Attributes
  // after MESSAGE-INTEGRITY other than MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are dropped
  // from the index, as RFC 8489 section 14.5 tells receivers to ignore them.
  static Parsed<StunMessage> parse(ByteSpan datagram);

  // A message with no attributes yet. padding_byte fills attribute padding; RFC 8489 lets it
  // be anything and the RFC 5769 samples use spaces, so tests can reproduce them exactly.
  StunMessage(MessageClass cls, std::uint16_t method, const TransactionId& id, std::uint8_t padding_byte = 0);

  MessageClass message_class() const { return class_; }
  std::uint16_t method() const { return method_; }
  const TransactionId& transaction_id() const { return transaction_id_; }
  ByteSpan bytes() const { return raw_; }
  const std::vector<Attribute>& attributes() const { return attributes_; }

  // First attribute of this type, its value without padding.
  std::optional<ByteSpan> attribute(std::uint16_t type) const;
  bool has(std::uint16_t type) const { return attribute(type).has_value(); }

  std::optional<std::string_view> username() const;
  std::optional<std::string_view> software() const;
  std::optional<std::uint32_t> priority() const;
  bool use_candidate() const { return has(attr::kUseCandidate); }
  std::optional<std::uint64_t> ice_controlling() const;
  std::optional<std::uint64_t> ice_controlled() const;
  std::optional<Address> xor_mapped_address() const;
  std::optional<ErrorCode> error_code() const;

  // MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 section 14.5) with key = the short-term password
  // (ICE) or the long-term key. Constant-time comparison.
  IntegrityCheck check_integrity(ByteSpan key) const;
  // MESSAGE-INTEGRITY-SHA256 (RFC 8489 section 14.6); a truncated tag (16..32 bytes) is allowed.
  IntegrityCheck check_integrity_sha256(ByteSpan key) const;
  // True when a FINGERPRINT is present and matches.
  bool check_fingerprint() const;

  // Builders. Each appends one attribute and updates the header length.
  void add_attribute(std::uint16_t type, ByteSpan value);
  void add_username(std::string_view username);
  void add_software(std::string_view software);
  void add_priority(std::uint32_t priority);
  void add_use_candidate();
  void add_ice_controlling(std::uint64_t tie_breaker);
  void add_ice_controlled(std::uint64_t tie_breaker);
  void add_xor_mapped_address(const Address& address);
  void add_error_code(int code, std::string_view reason);
  void add_message_integrity(ByteSpan key);
  void add_message_integrity_sha256(ByteSpan key);
  void add_fingerprint();

 private:
  StunMessage() = default;
  void set_length(std::size_t body_length);
  std::optional<std::uint64_t> u64_attribute(std::uint16_t type) const;
  std::optional<Attribute> find(std::uint16_t type) const;

  MessageClass class_ = MessageClass::kRequest;
  std::uint16_t method_ = 0;
  TransactionId transaction_id_{};
  std::uint8_t padding_byte_ = 0;
  Bytes raw_;
  std::vector<Attribute> attributes_;
};

}  // namespace umbra::rtc::stun
