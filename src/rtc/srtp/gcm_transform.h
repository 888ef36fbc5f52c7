// SRTP/SRTCP with AEAD_AES_128_GCM (RFC 7714) straight on OpenSSL EVP, as a faster alternative to
// libsrtp2 for the profile browsers negotiate first (Debian's libsrtp2 runs on NSS and is about twice
// as slow; see bench/srtp_bench.cpp). Same contract as SrtpSession: one direction, any SSRC, in place,
// errors as values. libsrtp2 is its test oracle: each side must unprotect what the other protects, and
// both produce identical bytes.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "common/bytes.h"
#include "common/result.h"
#include "crypto/cipher.h"
#include "rtc/srtp/replay_window.h"
#include "rtc/srtp/srtp_session.h"

namespace umbra::rtc::srtp {

class GcmTransform {
 public:
  static constexpr std::size_t kTagSize = 16;

  // key_and_salt: 16-byte master key || 12-byte master salt. Throws std::invalid_argument otherwise.
  GcmTransform(Direction direction, ByteSpan key_and_salt);

  Direction direction() const { return direction_; }

  Result<std::size_t, SrtpError> protect_rtp(MutableByteSpan buffer, std::size_t length);
  Result<std::size_t, SrtpError> protect_rtcp(MutableByteSpan buffer, std::size_t length);
  Result<std::size_t, SrtpError> unprotect_rtp(MutableByteSpan packet);
  Result<std::size_t, SrtpError> unprotect_rtcp(MutableByteSpan packet);

 private:
  struct RtpStream {
    ReplayWindow window;  // inbound: which indices were seen; outbound: only highest() is used
  };
  struct RtcpStream {
    ReplayWindow window;           // inbound
    std::uint32_t next_index = 1;  // outbound; libsrtp2 also starts at 1
  };

  struct SessionKeys;
  GcmTransform(Direction direction, const SessionKeys& keys);

  Direction direction_;
  crypto::AesGcm rtp_cipher_;
  crypto::AesGcm rtcp_cipher_;
  std::uint8_t rtp_salt_[12] = {};
  std::uint8_t rtcp_salt_[12] = {};
  std::unordered_map<std::uint32_t, RtpStream> rtp_streams_;
  std::unordered_map<std::uint32_t, RtcpStream> rtcp_streams_;
};

}  // namespace umbra::rtc::srtp
