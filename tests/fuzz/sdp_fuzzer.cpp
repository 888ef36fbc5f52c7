// libFuzzer target for the SDP parser and the SFU's answer builder: arbitrary text never crashes, and
// whatever parses is written back in a canonical form that parses again to the very same text, so the
// writer never produces SDP our own parser (or, by extension, a browser) would read differently.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "rtc/sdp/negotiation.h"
#include "rtc/sdp/parser.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace umbra::rtc::sdp;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse(text);
  if (!parsed.ok()) return 0;

  const std::string canonical = to_string(*parsed);
  const auto reparsed = parse(canonical);
  if (!reparsed.ok() || to_string(*reparsed) != canonical) std::abort();

  (void)remote_transport(*parsed);
  LocalEndpoint local;
  local.ice_ufrag = "fuzzUfrag";
  local.ice_pwd = "fuzzPasswordOf24Chars000";
  local.fingerprint_sha256 = "00:11:22:33";
  local.candidate_ip = "192.0.2.1";
  local.candidate_port = 7881;
  const auto answer = answer_publish_offer(*parsed, local);
  if (answer.ok() && !parse(to_string(*answer)).ok()) std::abort();
  return 0;
}
