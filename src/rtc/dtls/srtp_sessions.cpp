#include "rtc/dtls/srtp_sessions.h"

#include <exception>

namespace umbra::rtc::dtls {

Result<SrtpSessions, std::string> make_srtp_sessions(const Connected& connected) {
  try {
    SrtpSessions sessions;
    sessions.inbound = std::make_unique<srtp::SrtpSession>(connected.profile, srtp::Direction::kInbound,
                                                           connected.remote_key);
    sessions.outbound = std::make_unique<srtp::SrtpSession>(connected.profile, srtp::Direction::kOutbound,
                                                            connected.local_key);
    return sessions;
  } catch (const std::exception& e) {
    return err(std::string("srtp setup failed: ") + e.what());
  }
}

}  // namespace umbra::rtc::dtls
