// The DTLS-SRTP protection profiles Umbra negotiates (RFC 5764 section 4.1.2, RFC 7714 section 14.2),
// in order of preference: AEAD first because it is both faster and smaller on the wire.
#pragma once

#include <cstddef>
#include <string_view>

namespace umbra::rtc::srtp {

enum class Profile {
  kAeadAes128Gcm,        // SRTP_AEAD_AES_128_GCM, 16-byte tag
  kAes128CmHmacSha1_80,  // SRTP_AES128_CM_HMAC_SHA1_80, 10-byte tag
};

// Master key and master salt lengths (RFC 5764 4.1.2; RFC 7714 section 12: a 96-bit salt for GCM).
constexpr std::size_t master_key_size(Profile) {
  return 16;
}
constexpr std::size_t master_salt_size(Profile p) {
  return p == Profile::kAeadAes128Gcm ? 12 : 14;
}
constexpr std::size_t master_key_and_salt_size(Profile p) {
  return master_key_size(p) + master_salt_size(p);
}

// Bytes SRTP adds to an RTP packet (the tag) and to an RTCP packet (E-flag/index word plus tag).
constexpr std::size_t rtp_overhead(Profile p) {
  return p == Profile::kAeadAes128Gcm ? 16 : 10;
}
constexpr std::size_t rtcp_overhead(Profile p) {
  return rtp_overhead(p) + 4;
}

// The name OpenSSL and RFC 5764 use, e.g. for SSL_CTX_set_tlsext_use_srtp.
constexpr std::string_view openssl_name(Profile p) {
  return p == Profile::kAeadAes128Gcm ? "SRTP_AEAD_AES_128_GCM" : "SRTP_AES128_CM_SHA1_80";
}

}  // namespace umbra::rtc::srtp
