// The native peer's transport to the router: ICE controlling agent + DTLS client + SRTP, the
// mirror of router::WebRtcTransport. Sans-IO in the same way: datagrams and time in, datagrams
// out through a callback, media and state to a listener.
//
// start() with what the router's answer said (its address, ICE credentials, DTLS fingerprint):
// checks go out at once; the first authenticated response starts the DTLS handshake (we are the
// DTLS client, a=setup:active); its keys start SRTP.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "rtc/dtls/dtls_transport.h"
#include "rtc/ice/ice_controlling_agent.h"
#include "rtc/rtp/packet.h"
#include "rtc/srtp/srtp_session.h"
#include "rtc/stun/message.h"

namespace umbra::client {

using TimePoint = std::chrono::steady_clock::time_point;

struct RemoteTransport {
  rtc::stun::Address address;
  rtc::ice::Credentials ice;
  std::string fingerprint_algorithm = "sha-256";
  std::string fingerprint;  // "AB:CD:..."
};

struct PeerStats {
  std::uint64_t rtp_in = 0;
  std::uint64_t rtcp_in = 0;
  std::uint64_t rtp_out = 0;
  std::uint64_t rtcp_out = 0;
  std::uint64_t dropped = 0;
};

class PeerTransport {
 public:
  enum class State { kNew, kChecking, kHandshaking, kConnected, kClosed };

  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void on_connected() {}
    virtual void on_closed(std::string_view /*reason*/) {}
    virtual void on_rtp(rtc::rtp::RtpPacket& packet, TimePoint now) = 0;
    virtual void on_rtcp(ByteSpan /*compound*/, TimePoint /*now*/) {}
  };
  using SendFn = std::function<void(const rtc::stun::Address& to, ByteSpan datagram)>;

  PeerTransport(std::shared_ptr<const rtc::dtls::DtlsContext> dtls_context, SendFn send);
  ~PeerTransport();
  PeerTransport(const PeerTransport&) = delete;
  PeerTransport& operator=(const PeerTransport&) = delete;

  void set_listener(Listener* listener) { listener_ = listener; }
  // Ours, for the offer the router answers (a=ice-ufrag/a=ice-pwd).
  const rtc::ice::Credentials& ice_credentials() const { return local_ice_; }

  Result<void, std::string> start(const RemoteTransport& remote, TimePoint now);
  void handle_datagram(MutableByteSpan datagram, const rtc::stun::Address& from, TimePoint now);
  void handle_timeout(TimePoint now);
  std::optional<TimePoint> next_timeout() const;

  bool send_rtp(Bytes& packet);
  bool send_rtcp(Bytes& compound);

  // ICE restart (RFC 8445 section 9) on a started transport: checks with our new credentials
  // (`local`, whose ufrag went in the restart offer) against the answer's, to the same address.
  // DTLS and SRTP carry on untouched; media keeps flowing meanwhile.
  void restart_ice(rtc::ice::Credentials local, rtc::ice::Credentials remote, TimePoint now);

  State state() const { return state_; }
  const PeerStats& stats() const { return stats_; }

 private:
  void flush_dtls();
  void poll_dtls_events();
  void close(std::string_view reason);

  SendFn send_;
  Listener* listener_ = nullptr;
  rtc::ice::Credentials local_ice_;
  std::optional<rtc::ice::IceControllingAgent> ice_;
  rtc::dtls::DtlsTransport dtls_;
  std::unique_ptr<rtc::srtp::SrtpSession> srtp_in_;
  std::unique_ptr<rtc::srtp::SrtpSession> srtp_out_;
  rtc::stun::Address remote_address_;
  State state_ = State::kNew;
  PeerStats stats_;
};

}  // namespace umbra::client
