// The Range request header (RFC 9110 section 14): which bytes of a file a GET asks for. Pure and
// transport-free; the HTTP layer turns the decision into 206, 416 or a plain 200.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace umbra::server {

struct ByteRange {
  std::uint64_t first = 0;   // offset of the first byte sent
  std::uint64_t length = 0;  // number of bytes sent (never 0 for a satisfiable range)
};

enum class RangeOutcome {
  kIgnore,         // absent, malformed, not "bytes" or several ranges: answer 200 with the whole file
  kSatisfiable,    // answer 206 with `range`
  kUnsatisfiable,  // answer 416 with Content-Range: bytes */size
};

struct RangeDecision {
  RangeOutcome outcome = RangeOutcome::kIgnore;
  ByteRange range;
};

// Decides a Range header value against a representation of `size` bytes. Only a single
// int-range ("a-b", "a-") or suffix-range ("-n") is honoured; a list of several is ignored, which
// section 14.2 allows ("a server MAY ignore the Range header field").
RangeDecision decide_range(std::string_view header, std::uint64_t size);

// "bytes first-last/size" (section 14.4), for a 206.
std::string content_range(ByteRange range, std::uint64_t size);
// "bytes */size" (section 14.4), for a 416.
std::string unsatisfied_content_range(std::uint64_t size);

}  // namespace umbra::server
