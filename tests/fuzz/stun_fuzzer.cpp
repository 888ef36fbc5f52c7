// STUN parser fuzzer: arbitrary bytes must never crash the parser or the attribute readers, and
// a message that parses must rebuild from its own attribute index into one that parses the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "rtc/stun/demux.h"
#include "rtc/stun/message.h"

using namespace umbra;
using namespace umbra::rtc::stun;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteSpan input(data, size);
  (void)classify_datagram(input);
  const bool looks_like_stun = is_stun(input);
  auto parsed = StunMessage::parse(input);
  if (!parsed) return 0;
  const StunMessage& m = *parsed;
  // RFC 8489 allows methods up to 0xFFF, but RFC 7983 demultiplexing only calls first bytes 0..3
  // STUN: a parsed message with a small method must be recognised by is_stun().
  check(looks_like_stun || data[0] > 3);

  (void)m.username();
  (void)m.software();
  (void)m.priority();
  (void)m.ice_controlling();
  (void)m.ice_controlled();
  (void)m.error_code();
  const auto address = m.xor_mapped_address();
  static const std::uint8_t kKey[] = {'k', 'e', 'y'};
  (void)m.check_integrity(kKey);
  (void)m.check_integrity_sha256(kKey);
  (void)m.check_fingerprint();

  // Re-serialize: the same class, method, id and attributes, then parse again.
  StunMessage rebuilt(m.message_class(), m.method(), m.transaction_id());
  for (const auto& a : m.attributes()) rebuilt.add_attribute(a.type, *m.attribute(a.type));
  const auto reparsed = StunMessage::parse(rebuilt.bytes());
  check(reparsed.ok());
  check(reparsed->message_class() == m.message_class());
  check(reparsed->method() == m.method());
  check(reparsed->transaction_id() == m.transaction_id());
  check(reparsed->xor_mapped_address() == address);
  check(reparsed->username() == m.username());
  return 0;
}
