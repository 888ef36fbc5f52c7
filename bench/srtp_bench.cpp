// SRTP per-packet cost for a 1200-byte RTP packet (a full video packet): libsrtp2 for both profiles
// against GcmTransform (AEAD_AES_128_GCM straight on OpenSSL EVP). Protect and unprotect are measured
// separately; the SFU does one unprotect per received packet and one protect per forwarded copy.
#include <benchmark/benchmark.h>

#include <cstring>

#include "rtc/srtp/gcm_transform.h"
#include "rtc/srtp/srtp_session.h"

namespace {

using namespace umbra;
using namespace umbra::rtc::srtp;

constexpr std::size_t kPacketSize = 1200;

Bytes key_for(Profile p) {
  Bytes key(master_key_and_salt_size(p));
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i * 29 + 1);
  return key;
}

void fill_rtp(Bytes& buf, std::uint16_t seq) {
  buf[0] = 0x80;
  buf[1] = 96;
  store_be16(&buf[2], seq);
  store_be32(&buf[4], seq * 3000u);
  store_be32(&buf[8], 0x12345678);
}

template <class Session>
void protect(benchmark::State& state, Session& session) {
  Bytes buf(kPacketSize + 16, 0xab);
  std::uint16_t seq = 0;
  for (auto _ : state) {
    fill_rtp(buf, ++seq);
    auto n = session.protect_rtp(buf, kPacketSize);
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPacketSize));
}

// Pre-protects a ring of packets, then measures unprotect on copies (the copy is measured too and is
// small next to the cipher work; it is the same for every implementation).
template <class Tx, class Rx>
void unprotect(benchmark::State& state, Tx& tx, Rx& rx) {
  constexpr std::size_t kRing = 4096;
  std::vector<Bytes> packets(kRing, Bytes(kPacketSize + 16, 0xcd));
  std::uint32_t seq = 0;
  auto refill = [&] {
    for (auto& p : packets) {
      p.assign(kPacketSize + 16, 0xcd);
      fill_rtp(p, static_cast<std::uint16_t>(++seq));
      auto n = tx.protect_rtp(p, kPacketSize);
      p.resize(n.ok() ? *n : 0);
    }
  };
  refill();
  Bytes work(kPacketSize + 16);
  std::size_t i = 0;
  for (auto _ : state) {
    if (i == kRing) {
      state.PauseTiming();
      refill();
      i = 0;
      state.ResumeTiming();
    }
    const Bytes& p = packets[i++];
    std::memcpy(work.data(), p.data(), p.size());
    auto n = rx.unprotect_rtp(MutableByteSpan(work.data(), p.size()));
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kPacketSize));
}

void BM_LibsrtpProtect(benchmark::State& state, Profile profile) {
  SrtpSession s(profile, Direction::kOutbound, key_for(profile), Backend::kLibsrtp);
  protect(state, s);
}
void BM_LibsrtpUnprotect(benchmark::State& state, Profile profile) {
  SrtpSession tx(profile, Direction::kOutbound, key_for(profile), Backend::kLibsrtp);
  SrtpSession rx(profile, Direction::kInbound, key_for(profile), Backend::kLibsrtp);
  unprotect(state, tx, rx);
}
void BM_EvpGcmProtect(benchmark::State& state) {
  GcmTransform s(Direction::kOutbound, key_for(Profile::kAeadAes128Gcm));
  protect(state, s);
}
void BM_EvpGcmUnprotect(benchmark::State& state) {
  GcmTransform tx(Direction::kOutbound, key_for(Profile::kAeadAes128Gcm));
  GcmTransform rx(Direction::kInbound, key_for(Profile::kAeadAes128Gcm));
  unprotect(state, tx, rx);
}

BENCHMARK_CAPTURE(BM_LibsrtpProtect, aes_cm_hmac_sha1_80, Profile::kAes128CmHmacSha1_80);
BENCHMARK_CAPTURE(BM_LibsrtpProtect, aead_aes_128_gcm, Profile::kAeadAes128Gcm);
BENCHMARK(BM_EvpGcmProtect);
BENCHMARK_CAPTURE(BM_LibsrtpUnprotect, aes_cm_hmac_sha1_80, Profile::kAes128CmHmacSha1_80);
BENCHMARK_CAPTURE(BM_LibsrtpUnprotect, aead_aes_128_gcm, Profile::kAeadAes128Gcm);
BENCHMARK(BM_EvpGcmUnprotect);

}  // namespace
