#include "rtc/ice/ice_lite_server.h"

namespace umbra::rtc::ice {

using stun::MessageClass;
using stun::StunMessage;

IceLiteServer::IceLiteServer(Credentials local, TimePoint now, Duration consent_timeout)
    : local_(std::move(local)), consent_timeout_(consent_timeout), last_valid_check_(now) {}

CheckResult IceLiteServer::reject(const StunMessage& request, int code, std::string_view reason,
                                  const std::string* pwd) {
  ++rejected_;
  StunMessage response(MessageClass::kErrorResponse, request.method(), request.transaction_id());
  response.add_error_code(code, reason);
  // Only an error to an authenticated request can itself be authenticated (RFC 8489 section
  // 9.1.3: no MESSAGE-INTEGRITY on a 400 or 401).
  if (pwd != nullptr) response.add_message_integrity(as_bytes(*pwd));
  response.add_fingerprint();
  const ByteSpan bytes = response.bytes();
  return {CheckResult::Outcome::kRejected, Bytes(bytes.begin(), bytes.end()), false};
}

CheckResult IceLiteServer::handle_request(const StunMessage& request, const stun::Address& from,
                                          TimePoint now) {
  if (state_ == IceState::kClosed) return {};
  // Indications (keepalives) and responses get no answer; a lite agent sends no requests, so a
  // response is stray.
  if (request.message_class() != MessageClass::kRequest) return {};
  // RFC 8445 section 7.3 requires FINGERPRINT on checks; one that does not match is not ours.
  if (request.has(stun::attr::kFingerprint) && !request.check_fingerprint()) return {};
  if (request.method() != stun::kMethodBinding) return reject(request, 400, "Bad Request");

  const auto username = request.username();
  if (!username || !request.has(stun::attr::kMessageIntegrity)) return reject(request, 400, "Bad Request");
  const auto parts = split_username(*username);
  if (!parts) return reject(request, 401, "Unauthenticated");

  // Which credentials the check was made with: the current ones, or during a restart the
  // previous ones the peer may still be using.
  const Credentials* creds = nullptr;
  bool with_previous = false;
  if (parts->local == local_.ufrag && (remote_ufrag_.empty() || parts->remote == remote_ufrag_)) {
    creds = &local_;
  } else if (previous_ && parts->local == previous_->ufrag &&
             (previous_remote_ufrag_.empty() || parts->remote == previous_remote_ufrag_)) {
    creds = &*previous_;
    with_previous = true;
  }
  if (creds == nullptr) return reject(request, 401, "Unauthenticated");
  if (request.check_integrity(as_bytes(creds->pwd)) != stun::IntegrityCheck::kOk) {
    return reject(request, 401, "Unauthenticated");
  }

  // Role conflict (RFC 8445 section 7.3.1.1): a peer claiming the controlled role too. A lite
  // agent cannot take the controlling role, so the peer must switch.
  if (request.ice_controlled()) return reject(request, 487, "Role Conflict", &creds->pwd);

  // The peer uses the new credentials: the restart is complete.
  if (!with_previous && previous_) previous_.reset();

  ++accepted_;
  last_valid_check_ = now;

  CheckResult result;
  result.outcome = CheckResult::Outcome::kAccepted;
  if (request.use_candidate() && !(nominated_ && *nominated_ == from)) {
    nominated_ = from;
    state_ = IceState::kConnected;
    result.nominated = true;
  }

  StunMessage response(MessageClass::kSuccessResponse, stun::kMethodBinding, request.transaction_id());
  response.add_xor_mapped_address(from);
  response.add_message_integrity(as_bytes(creds->pwd));
  response.add_fingerprint();
  const ByteSpan bytes = response.bytes();
  result.response.assign(bytes.begin(), bytes.end());
  return result;
}

bool IceLiteServer::handle_timeout(TimePoint now) {
  if (state_ == IceState::kClosed) return false;
  if (now - last_valid_check_ < consent_timeout_) return false;
  state_ = IceState::kClosed;
  return true;
}

std::optional<TimePoint> IceLiteServer::next_timeout() const {
  if (state_ == IceState::kClosed) return std::nullopt;
  return last_valid_check_ + consent_timeout_;
}

void IceLiteServer::restart(Credentials local, std::string remote_ufrag) {
  previous_ = std::move(local_);
  previous_remote_ufrag_ = std::move(remote_ufrag_);
  local_ = std::move(local);
  remote_ufrag_ = std::move(remote_ufrag);
}

}  // namespace umbra::rtc::ice
