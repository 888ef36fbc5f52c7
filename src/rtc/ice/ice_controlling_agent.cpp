#include "rtc/ice/ice_controlling_agent.h"

#include "crypto/random.h"

namespace umbra::rtc::ice {

using stun::MessageClass;
using stun::StunMessage;

namespace {

// RFC 8445 section 5.1.2.1 with type preference 126 (host), local preference 65535, component 1.
constexpr std::uint32_t kHostPriority = (126u << 24) | (65535u << 8) | (256u - 1u);

// RFC 7675 section 5.1: consent checks at a random interval in [4, 6] s.
Duration consent_interval() {
  const auto jitter = static_cast<std::int64_t>(crypto::random_u64() % 2001);
  return std::chrono::milliseconds(4000 + jitter);
}

}  // namespace

IceControllingAgent::IceControllingAgent(Credentials local, Credentials remote, TimePoint now,
                                         Duration check_interval)
    : local_(std::move(local)),
      remote_(std::move(remote)),
      check_interval_(check_interval),
      tie_breaker_(crypto::random_u64()),
      started_(now),
      next_send_(now) {}

Bytes IceControllingAgent::build_check(TimePoint) {
  stun::TransactionId id{};
  crypto::random_bytes(id);
  pending_ = id;
  StunMessage request(MessageClass::kRequest, stun::kMethodBinding, id);
  // RFC 8445 section 7.2.2: USERNAME is "<receiver ufrag>:<sender ufrag>".
  request.add_username(remote_.ufrag + ":" + local_.ufrag);
  request.add_priority(kHostPriority);
  request.add_ice_controlling(tie_breaker_);
  request.add_use_candidate();
  request.add_message_integrity(as_bytes(remote_.pwd));
  request.add_fingerprint();
  const ByteSpan bytes = request.bytes();
  return Bytes(bytes.begin(), bytes.end());
}

std::optional<Bytes> IceControllingAgent::poll(TimePoint now) {
  if (state_ == State::kFailed) return std::nullopt;
  const TimePoint reference = state_ == State::kConnected ? last_success_ : started_;
  if (now - reference >= kConsentTimeout) {
    state_ = State::kFailed;
    return std::nullopt;
  }
  if (now < next_send_) return std::nullopt;
  // Before the pair works, retransmit quickly; once it works, the next consent check is the
  // only thing due (a lost one is simply covered by the next).
  next_send_ = now + (state_ == State::kConnected ? consent_interval() : check_interval_);
  return build_check(now);
}

std::optional<TimePoint> IceControllingAgent::next_timeout() const {
  if (state_ == State::kFailed) return std::nullopt;
  const TimePoint reference = state_ == State::kConnected ? last_success_ : started_;
  const TimePoint deadline = reference + kConsentTimeout;
  return next_send_ < deadline ? next_send_ : deadline;
}

bool IceControllingAgent::handle_response(const StunMessage& response, TimePoint now) {
  if (state_ == State::kFailed || !pending_ || response.transaction_id() != *pending_) return false;
  if (response.message_class() != MessageClass::kSuccessResponse) return false;
  if (response.has(stun::attr::kFingerprint) && !response.check_fingerprint()) return false;
  if (response.check_integrity(as_bytes(remote_.pwd)) != stun::IntegrityCheck::kOk) return false;
  pending_.reset();
  mapped_ = response.xor_mapped_address();
  last_success_ = now;
  if (state_ == State::kChecking) {
    state_ = State::kConnected;
    next_send_ = now + consent_interval();
  }
  return true;
}

}  // namespace umbra::rtc::ice
