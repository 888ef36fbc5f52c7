// SFrame seal/open throughput per cipher suite and frame size, next to raw OpenSSL AES-128-GCM
// (EVP keyed once, context reused: the most our suite 0x0004 path could reach), and the time of
// one umbra-e2ee-v1 PBKDF2 derivation. Run with scripts/bench from a release build.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "crypto/kdf.h"
#include "sframe/sframe.h"

namespace {

using umbra::Bytes;
using umbra::ByteSpan;
using umbra::sframe::CipherSuite;
using umbra::sframe::Context;

constexpr std::size_t kSizes[] = {100, 1200, 10 * 1024, 100 * 1024};

struct SuiteName {
  CipherSuite suite;
  const char* name;
};
constexpr SuiteName kSuites[] = {
    {CipherSuite::kAes128CtrHmacSha256_80, "AES_128_CTR_HMAC_SHA256_80"},
    {CipherSuite::kAes128CtrHmacSha256_64, "AES_128_CTR_HMAC_SHA256_64"},
    {CipherSuite::kAes128CtrHmacSha256_32, "AES_128_CTR_HMAC_SHA256_32"},
    {CipherSuite::kAes128GcmSha256_128, "AES_128_GCM_SHA256_128"},
    {CipherSuite::kAes256GcmSha512_128, "AES_256_GCM_SHA512_128"},
    {CipherSuite::kAes256CtrHmacSha512_80, "AES_256_CTR_HMAC_SHA512_80"},
    {CipherSuite::kAes256CtrHmacSha512_64, "AES_256_CTR_HMAC_SHA512_64"},
    {CipherSuite::kAes256CtrHmacSha512_32, "AES_256_CTR_HMAC_SHA512_32"},
};

constexpr std::uint64_t kKid = 0x1234;
const Bytes kBaseKey(16, 0x42);
// A VP8 key frame's clear prefix as metadata, as umbra-e2ee-v1 seals video.
const Bytes kMetadata(10, 0x9d);

void seal(benchmark::State& state, CipherSuite suite, std::size_t size) {
  Context ctx(suite);
  ctx.add_key(kKid, kBaseKey);
  const Bytes plaintext(size, 0xab);
  Bytes frame(size + umbra::sframe::kMaxOverhead);
  for (auto _ : state) {
    auto n = ctx.protect(kKid, kMetadata, plaintext, frame);
    if (!n.ok()) state.SkipWithError("protect failed");
    benchmark::DoNotOptimize(frame.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

// Every open needs a counter the replay window has not seen, so frames are sealed ahead in a
// batch; after the batch the receiver's key is added again (resetting its window) outside the
// timing. The batch stays within ~512 KiB so frames come from cache, as in the raw EVP runs.
void open(benchmark::State& state, CipherSuite suite, std::size_t size) {
  Context sender(suite);
  sender.add_key(kKid, kBaseKey);
  Context receiver(suite);
  receiver.add_key(kKid, kBaseKey);
  const std::size_t batch = std::clamp<std::size_t>((512u << 10) / size, 8, 4096);
  const Bytes plaintext(size, 0xab);
  std::vector<Bytes> frames(batch);
  for (auto& frame : frames) {
    frame.resize(size + umbra::sframe::kMaxOverhead);
    auto n = sender.protect(kKid, kMetadata, plaintext, frame);
    if (!n.ok()) throw std::runtime_error("protect failed");
    frame.resize(*n);
  }
  Bytes out(size + umbra::sframe::kMaxOverhead);
  std::size_t next = 0;
  for (auto _ : state) {
    if (next == batch) {
      state.PauseTiming();
      receiver.add_key(kKid, kBaseKey);
      next = 0;
      state.ResumeTiming();
    }
    auto opened = receiver.unprotect(kMetadata, frames[next++], out);
    if (!opened.ok()) state.SkipWithError("unprotect failed");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

// Raw OpenSSL AES-128-GCM: the same EVP calls our AesGcm makes, without SFrame's header, nonce and
// AAD work. AAD is the same size as SFrame's (a 4-byte header plus the metadata).
struct EvpCtxDeleter {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using EvpCtx = std::unique_ptr<EVP_CIPHER_CTX, EvpCtxDeleter>;

EvpCtx gcm_context(bool encrypt) {
  const std::array<std::uint8_t, 16> key{};
  EvpCtx ctx(EVP_CIPHER_CTX_new());
  const int ok = encrypt ? EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, key.data(), nullptr)
                         : EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, key.data(), nullptr);
  if (ok != 1) throw std::runtime_error("EVP init failed");
  return ctx;
}

int raw_gcm_seal(EVP_CIPHER_CTX* ctx, const std::uint8_t* iv, ByteSpan aad, ByteSpan pt, std::uint8_t* out) {
  int len = 0;
  int ok = EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, iv);
  ok &= EVP_EncryptUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size()));
  ok &= EVP_EncryptUpdate(ctx, out, &len, pt.data(), static_cast<int>(pt.size()));
  ok &= EVP_EncryptFinal_ex(ctx, out + pt.size(), &len);
  ok &= EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + pt.size());
  return ok;
}

void raw_gcm_seal_bench(benchmark::State& state, std::size_t size) {
  auto ctx = gcm_context(true);
  const std::array<std::uint8_t, 12> iv{};
  const Bytes aad(4 + kMetadata.size(), 0x01);
  const Bytes plaintext(size, 0xab);
  Bytes out(size + 16);
  for (auto _ : state) {
    if (raw_gcm_seal(ctx.get(), iv.data(), aad, plaintext, out.data()) != 1) state.SkipWithError("seal");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

void raw_gcm_open_bench(benchmark::State& state, std::size_t size) {
  auto enc = gcm_context(true);
  auto ctx = gcm_context(false);
  const std::array<std::uint8_t, 12> iv{};
  const Bytes aad(4 + kMetadata.size(), 0x01);
  const Bytes plaintext(size, 0xab);
  Bytes sealed(size + 16);
  if (raw_gcm_seal(enc.get(), iv.data(), aad, plaintext, sealed.data()) != 1)
    throw std::runtime_error("seal");
  Bytes out(size);
  std::array<std::uint8_t, 16> tag{};
  for (auto _ : state) {
    int len = 0;
    std::copy(sealed.end() - 16, sealed.end(), tag.begin());
    int ok = EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, nullptr, iv.data());
    ok &= EVP_DecryptUpdate(ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size()));
    ok &= EVP_DecryptUpdate(ctx.get(), out.data(), &len, sealed.data(), static_cast<int>(size));
    ok &= EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, tag.data());
    ok &= EVP_DecryptFinal_ex(ctx.get(), out.data() + size, &len);
    if (ok != 1) state.SkipWithError("open");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}

// umbra-e2ee-v1 section 4 step 2: one session secret, PBKDF2-HMAC-SHA256 with 100000 iterations.
void pbkdf2_bench(benchmark::State& state) {
  const auto password = umbra::as_bytes("correct horse battery staple");
  const auto salt = umbra::as_bytes("umbra-e2ee-v1:session-0123456789");
  for (auto _ : state) {
    auto key = umbra::crypto::pbkdf2(umbra::crypto::Hash::kSha256, password, salt, 100000, 32);
    benchmark::DoNotOptimize(key.data());
  }
}

[[maybe_unused]] const bool kRegistered = [] {
  for (const std::size_t size : kSizes) {
    const std::string suffix = "/" + std::to_string(size);
    benchmark::RegisterBenchmark(("raw_evp_aes_128_gcm_seal" + suffix).c_str(), raw_gcm_seal_bench, size);
    benchmark::RegisterBenchmark(("raw_evp_aes_128_gcm_open" + suffix).c_str(), raw_gcm_open_bench, size);
  }
  for (const auto& s : kSuites) {
    for (const std::size_t size : kSizes) {
      const std::string suffix = std::string("/") + s.name + "/" + std::to_string(size);
      benchmark::RegisterBenchmark(("sframe_seal" + suffix).c_str(), seal, s.suite, size);
      benchmark::RegisterBenchmark(("sframe_open" + suffix).c_str(), open, s.suite, size);
    }
  }
  benchmark::RegisterBenchmark("pbkdf2_hmac_sha256_100000", pbkdf2_bench)->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace
