// ICE credentials (RFC 8445 section 5.3, RFC 8839 section 5.4): the username fragment and
// password a transport puts in its SDP. The ufrag also names the transport on the shared media
// port: the first STUN check from a new address is routed by the ufrag in its USERNAME.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace umbra::rtc::ice {

struct Credentials {
  std::string ufrag;
  std::string pwd;
  bool operator==(const Credentials&) const = default;
};

// Fresh random credentials from the CSPRNG: a 16-character ufrag (96 bits, well above the
// 24 bits required) and a 32-character password (192 bits, above the required 128), both in
// the ice-char alphabet (ALPHA / DIGIT / "+" / "/").
Credentials generate_credentials();

// RFC 8445 section 7.2.2: a check's USERNAME is "<receiver ufrag>:<sender ufrag>".
struct UsernameParts {
  std::string_view local;   // ours, as the receiver of the check
  std::string_view remote;  // the sender's
};
std::optional<UsernameParts> split_username(std::string_view username);

}  // namespace umbra::rtc::ice
