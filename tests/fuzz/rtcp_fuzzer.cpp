// RTCP parser fuzzer: arbitrary bytes must never crash compound parsing or any packet parser; a
// compound that parses must serialize, parse back to equal values, and serialize to the same
// bytes again.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "rtc/rtcp/packet.h"

using namespace umbra;
using namespace umbra::rtc::rtcp;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto packets = parse_packets(ByteSpan(data, size));
  if (!packets) return 0;
  for (const auto& packet : *packets) {
    if (const auto* nack = std::get_if<Nack>(&packet)) (void)nack->lost_sequence_numbers();
    if (const auto* twcc = std::get_if<TransportCc>(&packet)) (void)twcc->arrival_times_us();
  }
  const auto bytes = serialize(*packets);
  check(bytes.ok());
  const auto reparsed = parse_packets(*bytes);
  check(reparsed.ok());
  check(*reparsed == *packets);
  const auto again = serialize(*reparsed);
  check(again.ok() && *again == *bytes);
  return 0;
}
