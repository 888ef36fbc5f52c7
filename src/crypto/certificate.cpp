#include "crypto/certificate.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <stdexcept>
#include <string>

#include "crypto/evp.h"
#include "crypto/openssl_error.h"
#include "crypto/random.h"

namespace umbra::crypto {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct Asn1IntegerFree {
  void operator()(ASN1_INTEGER* p) const { ASN1_INTEGER_free(p); }
};
struct BignumFree {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

PkeyPtr generate_p256_key() {
  // EVP_EC_gen is OpenSSL 3's one-call EC key generation; P-256 because every browser's DTLS stack
  // accepts ECDSA P-256 and it keeps the handshake small (RFC 8827 section 6.5).
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) throw_openssl_error("EVP_EC_gen(P-256)");
  return key;
}

void set_random_serial(X509* cert) {
  // RFC 5280 4.1.2.2: positive, at most 20 octets. 63 random bits keep it positive and unique enough.
  std::unique_ptr<BIGNUM, BignumFree> bn(BN_new());
  if (!bn || BN_set_word(bn.get(), random_u64() >> 1) != 1) throw_openssl_error("BN_set_word");
  std::unique_ptr<ASN1_INTEGER, Asn1IntegerFree> serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!serial || X509_set_serialNumber(cert, serial.get()) != 1) throw_openssl_error("X509_set_serialNumber");
}

char hex_digit(unsigned v) {
  return static_cast<char>(v < 10 ? '0' + v : 'A' + (v - 10));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

struct Certificate::Impl {
  PkeyPtr key;
  X509Ptr cert;
};

Certificate::Certificate(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Certificate::~Certificate() = default;
Certificate::Certificate(Certificate&&) noexcept = default;
Certificate& Certificate::operator=(Certificate&&) noexcept = default;

Certificate Certificate::generate(std::string_view common_name, int validity_days) {
  auto impl = std::make_unique<Impl>();
  impl->key = generate_p256_key();
  impl->cert.reset(X509_new());
  X509* cert = impl->cert.get();
  if (cert == nullptr) throw_openssl_error("X509_new");
  if (X509_set_version(cert, X509_VERSION_3) != 1) throw_openssl_error("X509_set_version");
  set_random_serial(cert);
  // Backdated a day so a peer whose clock runs slow does not see a not-yet-valid certificate.
  constexpr long kOneDay = 24L * 60 * 60;
  if (X509_gmtime_adj(X509_getm_notBefore(cert), -kOneDay) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert), kOneDay * validity_days) == nullptr) {
    throw_openssl_error("X509_gmtime_adj");
  }
  X509_NAME* name = X509_get_subject_name(cert);
  const std::string cn(common_name);
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0) != 1 ||
      X509_set_issuer_name(cert, name) != 1) {
    throw_openssl_error("X509 name");
  }
  if (X509_set_pubkey(cert, impl->key.get()) != 1) throw_openssl_error("X509_set_pubkey");
  if (X509_sign(cert, impl->key.get(), EVP_sha256()) <= 0) throw_openssl_error("X509_sign");
  return Certificate(std::move(impl));
}

X509* Certificate::x509() const {
  return impl_->cert.get();
}
EVP_PKEY* Certificate::private_key() const {
  return impl_->key.get();
}

Bytes Certificate::der() const {
  const int len = i2d_X509(impl_->cert.get(), nullptr);
  if (len <= 0) throw_openssl_error("i2d_X509");
  Bytes out(static_cast<std::size_t>(len));
  unsigned char* p = out.data();
  if (i2d_X509(impl_->cert.get(), &p) != len) throw_openssl_error("i2d_X509");
  return out;
}

Bytes Certificate::fingerprint(Hash hash) const {
  return certificate_fingerprint(impl_->cert.get(), hash);
}

std::string Certificate::fingerprint_text(Hash hash) const {
  return format_fingerprint(fingerprint(hash));
}

Bytes certificate_fingerprint(const X509* cert, Hash hash) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (cert == nullptr || X509_digest(cert, evp_md(hash), out.data(), &len) != 1) {
    throw_openssl_error("X509_digest");
  }
  out.resize(len);
  return out;
}

std::string format_fingerprint(ByteSpan digest) {
  std::string out;
  out.reserve(digest.size() * 3);
  for (std::size_t i = 0; i < digest.size(); ++i) {
    if (i != 0) out.push_back(':');
    out.push_back(hex_digit(digest[i] >> 4));
    out.push_back(hex_digit(digest[i] & 0x0fU));
  }
  return out;
}

std::optional<Bytes> parse_fingerprint(std::string_view text) {
  // Exactly "XX" pairs separated by single colons: 3n-1 characters.
  if (text.empty() || (text.size() + 1) % 3 != 0) return std::nullopt;
  Bytes out;
  out.reserve((text.size() + 1) / 3);
  for (std::size_t i = 0; i < text.size(); i += 3) {
    const int hi = hex_value(text[i]);
    const int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    if (i + 2 < text.size() && text[i + 2] != ':') return std::nullopt;
    out.push_back(static_cast<std::uint8_t>((hi << 4) | lo));
  }
  return out;
}

std::optional<Hash> hash_from_sdp_name(std::string_view name) {
  // RFC 8122 names are case-insensitive tokens from the IANA "Hash Function Textual Names" registry.
  std::string lower(name);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (lower == "sha-1") return Hash::kSha1;
  if (lower == "sha-256") return Hash::kSha256;
  if (lower == "sha-512") return Hash::kSha512;
  return std::nullopt;
}

std::string_view sdp_name(Hash hash) {
  switch (hash) {
    case Hash::kSha1: return "sha-1";
    case Hash::kSha256: return "sha-256";
    case Hash::kSha512: return "sha-512";
  }
  return "sha-256";
}

}  // namespace umbra::crypto
