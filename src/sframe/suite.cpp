#include "sframe/suite.h"

#include <array>
#include <stdexcept>

namespace umbra::sframe {
namespace {

using crypto::Hash;

// RFC 9605 section 4.5.1: for CTR+HMAC suites Nk = Nka + Nh, the encryption key first.
constexpr std::array<SuiteParams, 8> kSuites{{
    {CipherSuite::kAes128CtrHmacSha256_80, AeadKind::kAesCtrHmac, Hash::kSha256, 16 + 32, 16, 10},
    {CipherSuite::kAes128CtrHmacSha256_64, AeadKind::kAesCtrHmac, Hash::kSha256, 16 + 32, 16, 8},
    {CipherSuite::kAes128CtrHmacSha256_32, AeadKind::kAesCtrHmac, Hash::kSha256, 16 + 32, 16, 4},
    {CipherSuite::kAes128GcmSha256_128, AeadKind::kAesGcm, Hash::kSha256, 16, 16, 16},
    {CipherSuite::kAes256GcmSha512_128, AeadKind::kAesGcm, Hash::kSha512, 32, 32, 16},
    {CipherSuite::kAes256CtrHmacSha512_80, AeadKind::kAesCtrHmac, Hash::kSha512, 32 + 64, 32, 10},
    {CipherSuite::kAes256CtrHmacSha512_64, AeadKind::kAesCtrHmac, Hash::kSha512, 32 + 64, 32, 8},
    {CipherSuite::kAes256CtrHmacSha512_32, AeadKind::kAesCtrHmac, Hash::kSha512, 32 + 64, 32, 4},
}};

}  // namespace

const SuiteParams* find_suite(std::uint16_t suite) {
  for (const auto& params : kSuites) {
    if (static_cast<std::uint16_t>(params.suite) == suite) return &params;
  }
  return nullptr;
}

const SuiteParams& suite_params(CipherSuite suite) {
  const auto* params = find_suite(static_cast<std::uint16_t>(suite));
  if (params == nullptr) throw std::invalid_argument("unsupported SFrame cipher suite");
  return *params;
}

bool is_supported(std::uint16_t suite) {
  return find_suite(suite) != nullptr;
}

std::size_t tag_size(CipherSuite suite) {
  return suite_params(suite).tag_size;
}

std::string_view to_string(Error e) {
  switch (e) {
    case Error::kUnsupportedSuite: return "unsupported cipher suite";
    case Error::kBufferTooSmall: return "output buffer too small";
    case Error::kMalformedHeader: return "malformed SFrame header";
    case Error::kUnknownKey: return "no key for this KID";
    case Error::kAuthenticationFailed: return "authentication failed";
    case Error::kReplay: return "replayed or too old counter";
    case Error::kCounterExhausted: return "counter exhausted";
  }
  return "unknown SFrame error";
}

}  // namespace umbra::sframe
