// Reads SDP text from a browser (RFC 8866 syntax, JSEP usage). Every line is checked: a malformed line
// we interpret is an error naming its line number, never a crash; attributes we do not interpret are
// kept verbatim. Accepts CRLF (as specified) and bare LF (as some tools write).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "rtc/sdp/session_description.h"

namespace umbra::rtc::sdp {

struct SdpError {
  std::size_t line = 0;  // 1-based; 0 when the error concerns the whole description
  std::string message;
};

std::string to_string(const SdpError& e);

// Inputs longer than this are refused before any parsing (a browser offer is a few kilobytes).
inline constexpr std::size_t kMaxSdpSize = std::size_t{256} * 1024;

Result<SessionDescription, SdpError> parse(std::string_view text);

}  // namespace umbra::rtc::sdp
