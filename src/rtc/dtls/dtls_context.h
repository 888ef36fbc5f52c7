// The SSL_CTX every DTLS-SRTP transport of a process shares: our certificate, DTLS 1.2 only, ECDHE
// suites, and use_srtp (RFC 5764) offering AEAD_AES_128_GCM before AES_CM_128_HMAC_SHA1_80. Built once at
// start-up (SSL_CTX creation is slow in OpenSSL 3); transports only create a cheap SSL from it.
#pragma once

#include <openssl/types.h>

#include <string>

#include "crypto/certificate.h"

namespace umbra::rtc::dtls {

class DtlsContext {
 public:
  // Throws std::runtime_error if OpenSSL refuses the configuration (start-up only).
  explicit DtlsContext(const crypto::Certificate& certificate);
  ~DtlsContext();
  DtlsContext(const DtlsContext&) = delete;
  DtlsContext& operator=(const DtlsContext&) = delete;

  SSL_CTX* native() const { return ctx_; }

  // Our certificate's SHA-256 fingerprint, "AB:CD:...", for a=fingerprint in our SDP.
  const std::string& fingerprint_sha256() const { return fingerprint_; }

 private:
  SSL_CTX* ctx_ = nullptr;
  std::string fingerprint_;
};

}  // namespace umbra::rtc::dtls
