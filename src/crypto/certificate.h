// An X.509 certificate with its private key, for DTLS-SRTP (RFC 5763): a fresh ECDSA P-256 key and a
// self-signed certificate per process, identified to peers by the SHA-256 fingerprint carried in SDP
// ("a=fingerprint:sha-256 AB:CD:..."). Peers are authenticated by that fingerprint, not by a CA.
#pragma once

#include <openssl/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "crypto/hash.h"

namespace umbra::crypto {

class Certificate {
 public:
  // Generates a key pair and a self-signed certificate valid from one day ago (clock skew) for
  // `validity_days`. WebRTC peers check only the fingerprint, but a router process can outlive a
  // browser-style 30-day certificate, so the default is a year. Throws std::runtime_error if OpenSSL
  // fails (start-up only).
  static Certificate generate(std::string_view common_name = "umbra", int validity_days = 365);

  ~Certificate();
  Certificate(Certificate&&) noexcept;
  Certificate& operator=(Certificate&&) noexcept;

  // Borrowed handles for SSL_CTX_use_certificate / SSL_CTX_use_PrivateKey (which take their own refs).
  X509* x509() const;
  EVP_PKEY* private_key() const;

  Bytes der() const;
  Bytes fingerprint(Hash hash = Hash::kSha256) const;
  // "AB:CD:..." as SDP's a=fingerprint wants it (RFC 8122 section 5).
  std::string fingerprint_text(Hash hash = Hash::kSha256) const;

 private:
  struct Impl;
  explicit Certificate(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Digest of a DER-encoded certificate (what X509_digest computes), e.g. of a DTLS peer's certificate.
Bytes certificate_fingerprint(const X509* cert, Hash hash = Hash::kSha256);

// Upper-case hex bytes joined by ':' (RFC 8122 section 5).
std::string format_fingerprint(ByteSpan digest);
// Inverse of format_fingerprint; accepts either case. nullopt if not "XX:XX:..." hex pairs.
std::optional<Bytes> parse_fingerprint(std::string_view text);

// SDP hash function names (RFC 8122 section 5, "sha-256") to Hash, and back.
std::optional<Hash> hash_from_sdp_name(std::string_view name);
std::string_view sdp_name(Hash hash);

}  // namespace umbra::crypto
