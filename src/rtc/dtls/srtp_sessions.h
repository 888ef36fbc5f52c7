// The two SRTP directions a finished DTLS-SRTP handshake keys (RFC 5764 section 4.2): outbound
// protects with our key, inbound opens with the peer's. Shared by the router's WebRtcTransport and
// the native peer's PeerTransport so both set up (and fail) the same way.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"
#include "rtc/dtls/dtls_transport.h"
#include "rtc/srtp/srtp_session.h"

namespace umbra::rtc::dtls {

struct SrtpSessions {
  std::unique_ptr<srtp::SrtpSession> inbound;
  std::unique_ptr<srtp::SrtpSession> outbound;
};

// A key of the wrong size or a libsrtp failure comes back as a message, never an exception, so the
// caller can close its transport with one clear reason.
Result<SrtpSessions, std::string> make_srtp_sessions(const Connected& connected);

}  // namespace umbra::rtc::dtls
