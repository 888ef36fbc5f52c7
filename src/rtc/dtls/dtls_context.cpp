#include "rtc/dtls/dtls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdexcept>
#include <string>

namespace umbra::rtc::dtls {
namespace {

[[noreturn]] void fail(const char* what) {
  char buf[256];
  ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
  ERR_clear_error();
  throw std::runtime_error(std::string("DtlsContext: ") + what + ": " + buf);
}

// Forward-secret AEAD suites first. ECDSA suites are what our own certificate can serve; the RSA ones
// only matter when we are the client of a peer with an RSA certificate. The CBC pair is kept because
// some older WebRTC stacks still negotiate it for DTLS.
constexpr const char* kCipherList =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA";

// RFC 5764 4.1.2 / RFC 7714 14.2. The server picks the first of its own entries the client offered, so
// this order is our preference.
constexpr const char* kSrtpProfiles = "SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80";

}  // namespace

DtlsContext::DtlsContext(const crypto::Certificate& certificate) {
  ctx_ = SSL_CTX_new(DTLS_method());
  if (ctx_ == nullptr) fail("SSL_CTX_new");
  try {
    // DTLS 1.0 is deprecated for WebRTC (RFC 8827 section 6.5 requires 1.2 or later).
    if (SSL_CTX_set_min_proto_version(ctx_, DTLS1_2_VERSION) != 1 ||
        SSL_CTX_set_max_proto_version(ctx_, DTLS1_2_VERSION) != 1) {
      fail("protocol version");
    }
    if (SSL_CTX_use_certificate(ctx_, certificate.x509()) != 1) fail("SSL_CTX_use_certificate");
    if (SSL_CTX_use_PrivateKey(ctx_, certificate.private_key()) != 1) fail("SSL_CTX_use_PrivateKey");
    if (SSL_CTX_check_private_key(ctx_) != 1) fail("SSL_CTX_check_private_key");
    if (SSL_CTX_set_cipher_list(ctx_, kCipherList) != 1) fail("SSL_CTX_set_cipher_list");
    if (SSL_CTX_set1_groups_list(ctx_, "X25519:P-256:P-384") != 1) fail("SSL_CTX_set1_groups_list");
    // Note the inverted convention: this one returns 0 on success.
    if (SSL_CTX_set_tlsext_use_srtp(ctx_, kSrtpProfiles) != 0) fail("SSL_CTX_set_tlsext_use_srtp");
    // We never resume DTLS sessions: each transport has fresh keys and the fingerprint check needs the
    // certificate in every handshake.
    SSL_CTX_set_session_cache_mode(ctx_, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx_, SSL_OP_NO_TICKET | SSL_OP_NO_QUERY_MTU | SSL_OP_CIPHER_SERVER_PREFERENCE |
                                  SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_read_ahead(ctx_, 1);
  } catch (...) {
    SSL_CTX_free(ctx_);
    throw;
  }
  fingerprint_ = certificate.fingerprint_text(crypto::Hash::kSha256);
}

DtlsContext::~DtlsContext() {
  SSL_CTX_free(ctx_);
}

}  // namespace umbra::rtc::dtls
