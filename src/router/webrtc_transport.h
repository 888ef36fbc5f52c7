// One peer connection's transport on the router: ICE-lite + DTLS server + SRTP, the mediasoup
// WebRtcTransport. Sans-IO: the worker hands it datagrams (already routed to it by the UDP mux)
// and the time; it sends datagrams through a callback and tells its listener (the Room) about
// media and state. It never touches a socket or a clock.
//
// Lifecycle: created (ICE credentials and our fingerprint go into the SDP answer) -> connect()
// with the peer's DTLS fingerprint -> the browser's checks nominate an address -> DTLS handshake
// -> SRTP keys -> connected. A failed handshake, consent expiry (no valid check for the consent
// timeout, 30 s by default as RFC 7675 section 5.1 says) or a DTLS close_notify closes it, once,
// with a reason.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "router/clock.h"
#include "router/pcap_writer.h"
#include "rtc/dtls/dtls_transport.h"
#include "rtc/ice/ice_lite_server.h"
#include "rtc/rtp/packet.h"
#include "rtc/srtp/srtp_session.h"
#include "rtc/stun/message.h"

namespace umbra::router {

struct TransportStats {
  std::uint64_t datagrams_in = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t datagrams_out = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t rtp_in = 0;
  std::uint64_t rtcp_in = 0;
  std::uint64_t rtp_out = 0;
  std::uint64_t rtcp_out = 0;
  std::uint64_t dropped_malformed = 0;  // unparseable, or a kind not expected in this state
  std::uint64_t dropped_srtp = 0;       // failed authentication or replay
};

class WebRtcTransport {
 public:
  enum class State { kNew, kConnecting, kConnected, kClosed };

  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void on_connected(WebRtcTransport& transport) = 0;
    virtual void on_closed(WebRtcTransport& transport, std::string_view reason) = 0;
    // A decrypted RTP packet; the view borrows the worker's buffer for the duration of the call.
    virtual void on_rtp(WebRtcTransport& transport, rtc::rtp::RtpPacket& packet, TimePoint now) = 0;
    virtual void on_rtcp(WebRtcTransport& transport, ByteSpan compound, TimePoint now) = 0;
  };

  using SendFn = std::function<void(const rtc::stun::Address& to, ByteSpan datagram)>;

  // consent_timeout: how long without a valid ICE check before the peer counts as gone (RFC 7675
  // section 5.1 says 30 s; tests and operators may shorten it).
  WebRtcTransport(std::string id, std::shared_ptr<const rtc::dtls::DtlsContext> dtls_context, SendFn send,
                  TimePoint now, Duration consent_timeout = rtc::ice::kConsentTimeout);
  ~WebRtcTransport();
  WebRtcTransport(const WebRtcTransport&) = delete;
  WebRtcTransport& operator=(const WebRtcTransport&) = delete;

  void set_listener(Listener* listener) { listener_ = listener; }
  // `--rtp-dump`: every RTP packet received, after SRTP, goes to this file.
  void set_rtp_dump(std::unique_ptr<PcapFile> dump, PcapEndpoint local, TimePoint now);

  const std::string& id() const { return id_; }
  const rtc::ice::Credentials& ice_credentials() const { return ice_.local(); }
  State state() const { return state_; }
  const TransportStats& stats() const { return stats_; }
  std::optional<rtc::stun::Address> remote_address() const { return remote_; }

  // The peer's DTLS fingerprint from its SDP ("sha-256", "AB:CD:..."); starts the DTLS server.
  Result<void, std::string> connect(std::string_view algorithm, std::string_view fingerprint, TimePoint now);

  // A datagram for this transport. Returns true when it was a valid ICE check, so the mux learns
  // that `from` belongs to this transport.
  bool handle_datagram(MutableByteSpan datagram, const rtc::stun::Address& from, TimePoint now);
  void handle_timeout(TimePoint now);
  std::optional<TimePoint> next_timeout() const;

  // Protect and send to the nominated address. `packet` is a plain RTP packet / RTCP compound;
  // it is encrypted in place (the vector grows by the tag). False when not connected.
  bool send_rtp(Bytes& packet);
  bool send_rtcp(Bytes& compound);

  void close(std::string_view reason);

  // ICE restart (RFC 8445 section 9): new local credentials for the answer to the peer's restart
  // offer; remote_ufrag is the offer's (empty: not known yet). Media keeps flowing meanwhile.
  const rtc::ice::Credentials& restart_ice(std::string remote_ufrag);

 private:
  void on_stun(ByteSpan datagram, const rtc::stun::Address& from, TimePoint now, bool& validated);
  void on_dtls(ByteSpan datagram, const rtc::stun::Address& from, TimePoint now);
  void on_srtp(MutableByteSpan datagram, bool is_rtcp, const rtc::stun::Address& from, TimePoint now);
  void flush_dtls();
  void poll_dtls_events();
  void send_datagram(const rtc::stun::Address& to, ByteSpan bytes);

  std::string id_;
  SendFn send_;
  Duration consent_timeout_;
  Listener* listener_ = nullptr;
  rtc::ice::IceLiteServer ice_;
  rtc::dtls::DtlsTransport dtls_;
  std::unique_ptr<rtc::srtp::SrtpSession> srtp_in_;
  std::unique_ptr<rtc::srtp::SrtpSession> srtp_out_;
  State state_ = State::kNew;
  std::optional<rtc::stun::Address> remote_;
  std::unique_ptr<PcapFile> dump_;
  PcapEndpoint dump_local_;
  // Wall-clock time of the dump's start, so records carry real timestamps from steady time.
  std::int64_t dump_unix_base_us_ = 0;
  TimePoint dump_steady_base_{};
  TimePoint dump_flushed_{};
  TransportStats stats_;
};

}  // namespace umbra::router
