// The router's side of ICE: an ICE-lite agent (RFC 8445 section 2.5), always in the controlled
// role, that answers the browser's connectivity checks and never sends any.
//
// Sans-IO: a parsed STUN request, its source address and the current time go in; the response
// to send back and what changed come out. A check is valid when its USERNAME is
// "<our ufrag>:<their ufrag>" and its MESSAGE-INTEGRITY verifies under our password. A valid
// check carrying USE-CANDIDATE nominates its source as the address media is sent to (the latest
// nomination wins, so a peer that moves networks is followed). Consent (RFC 7675 section 5.1):
// once no valid check has arrived for 30 s, consent has expired and the transport is closed —
// also for a transport that never got its first check. A restart (RFC 8445 section 9) installs
// new credentials; the old ones keep working until the peer's first check with the new ones,
// and the nominated address keeps carrying media until a new one is nominated.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/bytes.h"
#include "rtc/ice/credentials.h"
#include "rtc/stun/message.h"

namespace umbra::rtc::ice {

using TimePoint = std::chrono::steady_clock::time_point;
using Duration = std::chrono::steady_clock::duration;

inline constexpr Duration kConsentTimeout = std::chrono::seconds(30);

enum class IceState {
  kNew,        // no nomination yet
  kConnected,  // a nominated address exists
  kClosed,     // consent expired; final
};

struct CheckResult {
  enum class Outcome {
    kAccepted,  // a valid check: the source belongs to this transport
    kRejected,  // answered with an error response
    kIgnored,   // not answered (not a request, bad fingerprint, transport closed)
  };
  Outcome outcome = Outcome::kIgnored;
  Bytes response;          // send to the check's source when not empty
  bool nominated = false;  // the nominated address changed to the check's source
};

class IceLiteServer {
 public:
  IceLiteServer(Credentials local, TimePoint now, Duration consent_timeout = kConsentTimeout);

  // The remote ufrag from the peer's SDP. Until it is known any remote part is accepted: the
  // password check alone authenticates the peer, and a browser's check may beat its answer.
  void set_remote_ufrag(std::string ufrag) { remote_ufrag_ = std::move(ufrag); }

  CheckResult handle_request(const stun::StunMessage& request, const stun::Address& from, TimePoint now);

  // Closes the transport once consent has expired; true on the call that closes it.
  bool handle_timeout(TimePoint now);
  // The consent deadline (call handle_timeout then), nullopt once closed.
  std::optional<TimePoint> next_timeout() const;

  // ICE restart with new local credentials and the peer's new ufrag.
  void restart(Credentials local, std::string remote_ufrag);

  IceState state() const { return state_; }
  const Credentials& local() const { return local_; }
  const std::optional<stun::Address>& nominated() const { return nominated_; }
  std::uint64_t checks_accepted() const { return accepted_; }
  std::uint64_t checks_rejected() const { return rejected_; }

 private:
  CheckResult reject(const stun::StunMessage& request, int code, std::string_view reason,
                     const std::string* pwd = nullptr);

  Credentials local_;
  std::optional<Credentials> previous_;  // during a restart
  std::string remote_ufrag_;
  std::string previous_remote_ufrag_;
  Duration consent_timeout_;
  TimePoint last_valid_check_;
  IceState state_ = IceState::kNew;
  std::optional<stun::Address> nominated_;
  std::uint64_t accepted_ = 0;
  std::uint64_t rejected_ = 0;
};

}  // namespace umbra::rtc::ice
