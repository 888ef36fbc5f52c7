#include "rtc/srtp/srtp_session.h"

#include "rtc/srtp/gcm_transform.h"

#include <srtp2/srtp.h>

#include <climits>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>

namespace umbra::rtc::srtp {
namespace {

// RTP fixed header (RFC 3550 5.1) and RTCP common header plus sender SSRC (RFC 3550 6.4).
constexpr std::size_t kMinRtpSize = 12;
constexpr std::size_t kMinRtcpSize = 8;

// Large enough for the reordering and NACK retransmissions a video stream sees in practice; libsrtp2's
// default of 128 drops late packets that RTX would still have been able to use.
constexpr unsigned long kReplayWindow = 1024;

void init_libsrtp_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (srtp_init() != srtp_err_status_ok) throw std::runtime_error("srtp_init failed");
  });
}

SrtpError map_error(srtp_err_status_t status) {
  switch (status) {
    case srtp_err_status_auth_fail: return SrtpError::kAuthFailed;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
    case srtp_err_status_pkt_idx_old: return SrtpError::kReplay;
    case srtp_err_status_parse_err:
    case srtp_err_status_bad_param: return SrtpError::kMalformed;
    default: return SrtpError::kFailed;
  }
}

void set_crypto_policy(Profile profile, srtp_crypto_policy_t* p) {
  switch (profile) {
    case Profile::kAeadAes128Gcm: srtp_crypto_policy_set_aes_gcm_128_16_auth(p); return;
    case Profile::kAes128CmHmacSha1_80: srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(p); return;
  }
}

}  // namespace

std::string_view to_string(SrtpError e) {
  switch (e) {
    case SrtpError::kBufferTooSmall: return "buffer too small";
    case SrtpError::kMalformed: return "malformed packet";
    case SrtpError::kAuthFailed: return "authentication failed";
    case SrtpError::kReplay: return "replayed packet";
    case SrtpError::kFailed: return "srtp failure";
  }
  return "srtp failure";
}

struct SrtpSession::Impl {
  std::unique_ptr<GcmTransform> gcm;  // set when GcmTransform does the work instead of libsrtp2
  srtp_t session = nullptr;
  ~Impl() {
    if (session != nullptr) srtp_dealloc(session);
  }
};

SrtpSession::SrtpSession(Profile profile, Direction direction, ByteSpan key_and_salt, Backend backend)
    : profile_(profile), direction_(direction), impl_(std::make_unique<Impl>()) {
  if (key_and_salt.size() != master_key_and_salt_size(profile)) {
    throw std::invalid_argument("SrtpSession: master key and salt have the wrong size for the profile");
  }
  if (backend == Backend::kFastest && profile == Profile::kAeadAes128Gcm) {
    impl_->gcm = std::make_unique<GcmTransform>(direction, key_and_salt);
    return;
  }
  init_libsrtp_once();

  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof(policy));
  set_crypto_policy(profile, &policy.rtp);
  set_crypto_policy(profile, &policy.rtcp);
  policy.ssrc.type = direction == Direction::kOutbound ? ssrc_any_outbound : ssrc_any_inbound;
  // libsrtp2 copies the key during srtp_create; it only needs it readable for the call.
  Bytes key(key_and_salt.begin(), key_and_salt.end());
  policy.key = key.data();
  policy.window_size = kReplayWindow;
  // An SFU re-sends the very same packet when it answers a NACK without RTX; libsrtp2 would otherwise
  // call that a replay on the sending side.
  policy.allow_repeat_tx = direction == Direction::kOutbound ? 1 : 0;
  policy.next = nullptr;

  const srtp_err_status_t status = srtp_create(&impl_->session, &policy);
  std::memset(key.data(), 0, key.size());
  if (status != srtp_err_status_ok) {
    impl_->session = nullptr;
    throw std::runtime_error("srtp_create failed: " + std::to_string(static_cast<int>(status)));
  }
}

SrtpSession::~SrtpSession() = default;

Result<std::size_t, SrtpError> SrtpSession::protect_rtp(MutableByteSpan buffer, std::size_t length) {
  if (impl_->gcm) return impl_->gcm->protect_rtp(buffer, length);
  if (length < kMinRtpSize || length > buffer.size()) return err(SrtpError::kMalformed);
  if (buffer.size() - length < rtp_overhead(profile_)) return err(SrtpError::kBufferTooSmall);
  if (length > INT_MAX - SRTP_MAX_TRAILER_LEN) return err(SrtpError::kMalformed);
  int len = static_cast<int>(length);
  const auto status = srtp_protect(impl_->session, buffer.data(), &len);
  if (status != srtp_err_status_ok) return err(map_error(status));
  return static_cast<std::size_t>(len);
}

Result<std::size_t, SrtpError> SrtpSession::protect_rtcp(MutableByteSpan buffer, std::size_t length) {
  if (impl_->gcm) return impl_->gcm->protect_rtcp(buffer, length);
  if (length < kMinRtcpSize || length > buffer.size()) return err(SrtpError::kMalformed);
  if (buffer.size() - length < rtcp_overhead(profile_)) return err(SrtpError::kBufferTooSmall);
  if (length > INT_MAX - SRTP_MAX_TRAILER_LEN - 4) return err(SrtpError::kMalformed);
  int len = static_cast<int>(length);
  const auto status = srtp_protect_rtcp(impl_->session, buffer.data(), &len);
  if (status != srtp_err_status_ok) return err(map_error(status));
  return static_cast<std::size_t>(len);
}

Result<std::size_t, SrtpError> SrtpSession::unprotect_rtp(MutableByteSpan packet) {
  if (impl_->gcm) return impl_->gcm->unprotect_rtp(packet);
  if (packet.size() < kMinRtpSize + rtp_overhead(profile_) || packet.size() > INT_MAX) {
    return err(SrtpError::kMalformed);
  }
  int len = static_cast<int>(packet.size());
  const auto status = srtp_unprotect(impl_->session, packet.data(), &len);
  if (status != srtp_err_status_ok) return err(map_error(status));
  return static_cast<std::size_t>(len);
}

Result<std::size_t, SrtpError> SrtpSession::unprotect_rtcp(MutableByteSpan packet) {
  if (impl_->gcm) return impl_->gcm->unprotect_rtcp(packet);
  if (packet.size() < kMinRtcpSize + rtcp_overhead(profile_) || packet.size() > INT_MAX) {
    return err(SrtpError::kMalformed);
  }
  int len = static_cast<int>(packet.size());
  const auto status = srtp_unprotect_rtcp(impl_->session, packet.data(), &len);
  if (status != srtp_err_status_ok) return err(map_error(status));
  return static_cast<std::size_t>(len);
}

}  // namespace umbra::rtc::srtp
