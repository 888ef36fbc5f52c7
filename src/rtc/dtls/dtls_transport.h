// A sans-IO DTLS 1.2 endpoint for DTLS-SRTP (RFC 5763, RFC 5764): datagrams and the current time go in;
// datagrams to send, the next timeout and events (connected with SRTP keys, failed, closed) come out.
// The SFU is the server (a=setup:passive), the native peer the client. The peer is authenticated by the
// certificate fingerprint from its SDP: any other certificate fails the handshake with bad_certificate.
//
// Timers: OpenSSL 3.0 measures DTLS retransmission timers on its own wall clock and offers no way to
// inject time. We choose the durations (DTLS_set_timer_cb: initial, doubling, capped) and translate the
// remaining time into a deadline on the caller's clock; handle_timeout() at that deadline retransmits.
#pragma once

#include <openssl/types.h>

#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "common/bytes.h"
#include "crypto/hash.h"
#include "rtc/dtls/dtls_context.h"
#include "rtc/srtp/srtp_profile.h"

namespace umbra::rtc::dtls {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

enum class Role { kClient, kServer };
enum class State { kNew, kConnecting, kConnected, kFailed, kClosed };

// Handshake done: the negotiated profile and master key || master salt for each direction (RFC 5764
// 4.2). local_key protects what we send, remote_key unprotects what the peer sends.
struct Connected {
  srtp::Profile profile;
  Bytes local_key;
  Bytes remote_key;
};
struct Failed {
  std::string reason;
};
// The peer sent close_notify.
struct Closed {};
using DtlsEvent = std::variant<Connected, Failed, Closed>;

// RFC 7983 section 7: a first byte in [20, 63] is DTLS on a port shared with STUN and (S)RTP.
inline bool looks_like_dtls(ByteSpan datagram) {
  return !datagram.empty() && datagram[0] >= 20 && datagram[0] <= 63;
}

class DtlsTransport {
 public:
  struct Config {
    Role role = Role::kServer;
    // UDP payload budget for one datagram; 1200 fits every path WebRTC cares about (RFC 8831 5).
    std::size_t mtu = 1200;
    std::chrono::milliseconds initial_retransmit{100};
    std::chrono::milliseconds max_retransmit{3200};
  };

  DtlsTransport(std::shared_ptr<const DtlsContext> context, Config config);
  ~DtlsTransport();
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;

  // The fingerprint from the peer's a=fingerprint (RFC 8122). Must be set before the peer's
  // certificate arrives; a handshake without it fails.
  void set_remote_fingerprint(crypto::Hash hash, Bytes digest);

  // A client sends its ClientHello; a server starts waiting (a server also starts on its first datagram).
  void start(TimePoint now);
  void handle_datagram(ByteSpan datagram, TimePoint now);
  void handle_timeout(TimePoint now);
  // Sends close_notify if connected; no event is emitted for a close we asked for.
  void close();

  std::optional<Bytes> poll_datagram();
  bool has_datagram() const { return !outgoing_.empty(); }
  std::optional<DtlsEvent> poll_event();
  std::optional<TimePoint> poll_timeout() const { return timeout_; }

  State state() const { return state_; }
  Role role() const { return config_.role; }

 private:
  struct SslFree {
    void operator()(SSL* ssl) const;
  };
  struct RemoteFingerprint {
    crypto::Hash hash;
    Bytes digest;
  };

  static int on_verify(int preverify_ok, X509_STORE_CTX* store);
  static unsigned int on_timer(SSL* ssl, unsigned int previous_us);
  static void on_info(const SSL* ssl, int where, int value);
  bool peer_matches_fingerprint(X509* cert);

  void drive(TimePoint now);
  void finish_handshake();
  void fail(std::string reason);
  std::string openssl_failure_reason(const char* fallback);
  void update_timeout(TimePoint now);

  std::shared_ptr<const DtlsContext> context_;
  Config config_;
  std::deque<Bytes> incoming_;
  std::deque<Bytes> outgoing_;
  std::unique_ptr<SSL, SslFree> ssl_;
  State state_ = State::kNew;
  std::optional<RemoteFingerprint> remote_fingerprint_;
  std::string verify_failure_;
  std::string peer_alert_;
  std::deque<DtlsEvent> events_;
  std::optional<TimePoint> timeout_;
};

}  // namespace umbra::rtc::dtls
