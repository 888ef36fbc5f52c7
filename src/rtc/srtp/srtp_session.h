// One direction of SRTP/SRTCP (RFC 3711, RFC 7714): an outbound session protects what we send with our
// DTLS-exported key, an inbound one unprotects what the peer sends with theirs. AES_CM_128_HMAC_SHA1_80
// runs on libsrtp2; AEAD_AES_128_GCM by default on GcmTransform (OpenSSL EVP, about twice as fast as
// Debian's NSS-based libsrtp2 and byte-identical to it; bench/srtp_bench.cpp), or on libsrtp2 when asked,
// which the tests use as the oracle. Packets
// are transformed in place; the caller's buffer must have room for the tag (rtp_overhead/rtcp_overhead).
// Any SSRC is accepted, so one session covers every stream on a transport. Not thread-safe: a session
// belongs to the worker that owns its transport.
#pragma once

#include <memory>
#include <string_view>

#include "common/bytes.h"
#include "common/result.h"
#include "rtc/srtp/srtp_profile.h"

namespace umbra::rtc::srtp {

enum class SrtpError {
  kBufferTooSmall,  // no room for the tag
  kMalformed,       // too short to be (S)RTP/(S)RTCP
  kAuthFailed,      // tag did not verify: tampered, wrong key, or not ours
  kReplay,          // already seen, or too old for the replay window
  kFailed,          // anything else libsrtp2 reports
};

std::string_view to_string(SrtpError e);

enum class Direction { kOutbound, kInbound };

enum class Backend {
  kFastest,  // GcmTransform for AEAD_AES_128_GCM, libsrtp2 otherwise
  kLibsrtp,  // libsrtp2 for every profile
};

class SrtpSession {
 public:
  // key_and_salt is master key || master salt (master_key_and_salt_size(profile) bytes), as exported by
  // DTLS. Throws std::invalid_argument on a wrong size and std::runtime_error if libsrtp2 refuses.
  SrtpSession(Profile profile, Direction direction, ByteSpan key_and_salt,
              Backend backend = Backend::kFastest);
  ~SrtpSession();
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;

  Profile profile() const { return profile_; }
  Direction direction() const { return direction_; }

  // buffer holds an RTP (RTCP) packet in its first `length` bytes and has spare capacity after it.
  // Returns the protected length.
  Result<std::size_t, SrtpError> protect_rtp(MutableByteSpan buffer, std::size_t length);
  Result<std::size_t, SrtpError> protect_rtcp(MutableByteSpan buffer, std::size_t length);

  // packet is a whole SRTP (SRTCP) packet; returns the length of the plain packet at its start.
  Result<std::size_t, SrtpError> unprotect_rtp(MutableByteSpan packet);
  Result<std::size_t, SrtpError> unprotect_rtcp(MutableByteSpan packet);

 private:
  struct Impl;
  Profile profile_;
  Direction direction_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace umbra::rtc::srtp
