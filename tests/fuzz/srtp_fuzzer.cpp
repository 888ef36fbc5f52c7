// libFuzzer target for the EVP SRTP transform (GcmTransform): unprotecting arbitrary bytes as SRTP and
// SRTCP never crashes or reads out of bounds, and anything it protects unprotects to the same bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "rtc/srtp/gcm_transform.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace umbra;
  using namespace umbra::rtc::srtp;
  static const Bytes key(28, 0x5a);
  GcmTransform rx(Direction::kInbound, key);
  GcmTransform tx(Direction::kOutbound, key);

  Bytes srtp(data, data + size);
  (void)rx.unprotect_rtp(srtp);
  Bytes srtcp(data, data + size);
  (void)rx.unprotect_rtcp(srtcp);

  Bytes rtp(data, data + size);
  rtp.resize(size + GcmTransform::kTagSize);
  if (auto n = tx.protect_rtp(rtp, size); n.ok()) {
    rtp.resize(*n);
    const auto m = rx.unprotect_rtp(rtp);
    if (!m.ok() || *m != size || !std::equal(rtp.begin(), rtp.begin() + static_cast<long>(size), data))
      std::abort();
  }
  Bytes rtcp(data, data + size);
  rtcp.resize(size + GcmTransform::kTagSize + 4);
  if (auto n = tx.protect_rtcp(rtcp, size); n.ok()) {
    rtcp.resize(*n);
    const auto m = rx.unprotect_rtcp(rtcp);
    if (!m.ok() || *m != size || !std::equal(rtcp.begin(), rtcp.begin() + static_cast<long>(size), data))
      std::abort();
  }
  return 0;
}
