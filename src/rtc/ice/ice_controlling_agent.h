// The client side of ICE against an ICE-lite server (RFC 8445 section 6.1.1: a full agent facing
// a lite one is controlling): the native peer's connectivity checks.
//
// The lite server has one host candidate, so there is one pair and nothing to prioritise. Checks
// carry USE-CANDIDATE (aggressive nomination suffices with one pair) and are retransmitted every
// check interval until a success response with a valid MESSAGE-INTEGRITY comes back; then one
// consent check (RFC 7675 section 5.1) every 4-6 s keeps the pair alive. No authenticated
// response for 30 s means consent is lost. Sans-IO: poll() says what to send and when.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/bytes.h"
#include "rtc/ice/credentials.h"
#include "rtc/ice/ice_lite_server.h"
#include "rtc/stun/message.h"

namespace umbra::rtc::ice {

class IceControllingAgent {
 public:
  enum class State { kChecking, kConnected, kFailed };

  IceControllingAgent(Credentials local, Credentials remote, TimePoint now,
                      Duration check_interval = std::chrono::milliseconds(50));

  // A check to send now, if one is due.
  std::optional<Bytes> poll(TimePoint now);
  std::optional<TimePoint> next_timeout() const;

  // A STUN response from the server. True when it completes or refreshes the pair.
  bool handle_response(const stun::StunMessage& response, TimePoint now);

  State state() const { return state_; }
  const Credentials& local() const { return local_; }
  // Our address as the server saw it (XOR-MAPPED-ADDRESS of the last success).
  const std::optional<stun::Address>& mapped_address() const { return mapped_; }

 private:
  Bytes build_check(TimePoint now);

  Credentials local_;
  Credentials remote_;
  Duration check_interval_;
  std::uint64_t tie_breaker_;
  State state_ = State::kChecking;
  TimePoint started_;
  TimePoint next_send_;
  TimePoint last_success_{};
  std::optional<stun::TransactionId> pending_;
  std::optional<stun::Address> mapped_;
};

}  // namespace umbra::rtc::ice
